import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { entraCreateBody, patchBody, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { MAX_ATTRIBUTE_PATHS, MAX_MULTI_VALUED_ELEMENTS, MAX_PATCH_ELEMENT_WORK } from '../../src/scim/limits.js'

/**
 * Issue 12, item 1: the worst input each documented limit allows must finish far below one second (the bound catches
 * quadratic work, not noise: the expected cost is milliseconds), and input over a limit is 400 naming it, at once.
 * What is measured is the CPU time this process spent on the request (the server runs in-process): it is the work
 * the request caused, and unlike wall time it does not grow when other processes crowd the machine's two cores.
 */
const BOUND_MS = 1000

for (const dialect of DIALECTS) {
  describe(`request work is bounded by documented limits (${dialect})`, () => {
    let roster: TestApp
    const send = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
      roster.app.inject({ method, url: `/org/scim/v2${url}`, headers: scimHeaders(roster.token), ...(payload === undefined ? {} : { payload: payload as object }) })
    /** `ms`: CPU milliseconds (user + system) this process spent; `wallMs`: elapsed time. */
    const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number; wallMs: number }> => {
      const started = performance.now()
      const cpu = process.cpuUsage()
      const result = await work()
      const spent = process.cpuUsage(cpu)
      return { result, ms: (spent.user + spent.system) / 1000, wallMs: performance.now() - started }
    }
    /** A user without emails (Entra's create body has one). */
    const createPlain = async (userName: string): Promise<string> => {
      const response = await send('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName })
      assert.equal(response.statusCode, 201, response.body)
      return response.json().id
    }
    const emails = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ value: `${prefix}${i}@contoso.test`, type: 'work' }))

    before(async () => {
      roster = await createTestApp(dialect, { env: { SCIM_RATE_LIMIT: '0' } })
    })
    after(() => roster.close())

    test(`a PATCH adding ${MAX_MULTI_VALUED_ELEMENTS} emails, re-adding them and removing them by value list each take under a second`, async () => {
      const id = await createPlain(uniqueUserName('many'))
      const all = emails(MAX_MULTI_VALUED_ELEMENTS, 'e')
      for (const [name, body] of [
        ['add', patchBody({ op: 'add', path: 'emails', value: all })],
        // Every element is already there: each must be found by hash, not compared with all others.
        ['re-add (every element a duplicate, other case)', patchBody({ op: 'add', path: 'emails', value: all.map((email) => ({ value: email.value.toUpperCase() })) })],
        ['remove by value list', patchBody({ op: 'remove', path: 'emails', value: all.map((email) => ({ value: email.value })) })],
      ] as const) {
        const { result, ms } = await timed(() => send('PATCH', `/Users/${id}`, body))
        assert.equal(result.statusCode, 200, `${name}: ${result.body.slice(0, 300)}`)
        assert.ok(ms < BOUND_MS, `${name} took ${ms.toFixed(0)} ms`)
      }
      const after = await send('GET', `/Users/${id}?attributes=emails`)
      assert.equal(after.json().emails, undefined)
    })

    test('complex elements under many different sub-attribute combinations still merge in linear time', async () => {
      const created = await send('POST', '/Users', entraCreateBody(uniqueUserName('addr')))
      const id = created.json().id
      const fields = ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type']
      // Each element names a different subset of sub-attributes, the case that defeats a single hash key.
      const addresses = Array.from({ length: MAX_MULTI_VALUED_ELEMENTS }, (_, i) =>
        Object.fromEntries(fields.filter((_, bit) => ((i % 127) + 1) & (1 << bit)).map((field) => [field, `${field}-${i}`])),
      )
      const first = await timed(() => send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'addresses', value: addresses })))
      assert.equal(first.result.statusCode, 200, first.result.body.slice(0, 300))
      const again = await timed(() => send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'addresses', value: addresses })))
      assert.equal(again.result.statusCode, 200)
      assert.ok(first.ms < BOUND_MS && again.ms < BOUND_MS, `${first.ms.toFixed(0)} ms, ${again.ms.toFixed(0)} ms`)
      assert.equal(again.result.json().addresses.length, MAX_MULTI_VALUED_ELEMENTS)
    })

    test('the most element work a PATCH may do (operations × elements × comparisons) takes under a second; more is 400', async () => {
      const id = await createPlain(uniqueUserName('both'))
      const all = emails(MAX_MULTI_VALUED_ELEMENTS, 'w')
      assert.equal((await send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'emails', value: all }))).statusCode, 200)
      const n = MAX_MULTI_VALUED_ELEMENTS
      // Each operation below costs about `perOperation` units on a full attribute; as many as fit in the budget.
      const operations = (perOperation: number, make: (i: number) => { op: string; path: string; value?: unknown }) =>
        patchBody(...Array.from({ length: Math.min(1000, Math.floor(MAX_PATCH_ELEMENT_WORK / perOperation) - 2) }, (_, i) => make(i)))
      for (const [name, body] of [
        ['filtered replaces', operations(n, (i) => ({ op: 'replace', path: `emails[value eq "w${i}@contoso.test"].display`, value: `d${i}` }))],
        ['primary moved each time', operations(2 * n, (i) => ({ op: 'replace', path: `emails[value eq "w${i}@contoso.test"].primary`, value: true }))],
        ['sub-attribute of every element', operations(2 * n, (i) => ({ op: 'replace', path: 'emails.type', value: i % 2 ? 'work' : 'home' }))],
        ['long filters', operations(4 * n, (i) => ({ op: 'replace', path: `emails[value eq "b" or type eq "c" or display eq "zz" or value eq "w${i}@contoso.test"].display`, value: 'x' }))],
        ['single-element adds', operations(1, (i) => ({ op: 'add', path: 'emails', value: [{ value: `w${i}@contoso.test` }] }))],
        ['removals by filter', operations(2 * n, (i) => ({ op: 'remove', path: `emails[value eq "w${i}@contoso.test"]` }))],
      ] as const) {
        const { result, ms } = await timed(() => send('PATCH', `/Users/${id}`, body))
        assert.equal(result.statusCode, 200, `${name}: ${result.body.slice(0, 300)}`)
        assert.ok(ms < BOUND_MS, `${name} took ${ms.toFixed(0)} ms`)
      }
      const fresh = await createPlain(uniqueUserName('fresh'))
      assert.equal((await send('PATCH', `/Users/${fresh}`, patchBody({ op: 'add', path: 'emails', value: all }))).statusCode, 200)
      const tooMuch = await timed(() =>
        send('PATCH', `/Users/${fresh}`, patchBody(...Array.from({ length: 1000 }, (_, i) => ({ op: 'replace', path: `emails[value eq "w${i}@contoso.test"].display`, value: 'x' })))),
      )
      assert.equal(tooMuch.result.statusCode, 400)
      assert.match(tooMuch.result.json().detail, new RegExp(`more than ${MAX_PATCH_ELEMENT_WORK} element values`))
      assert.ok(tooMuch.ms < BOUND_MS, `${tooMuch.ms.toFixed(0)} ms`)
      // Nothing of the refused PATCH was applied.
      const read = await send('GET', `/Users/${fresh}?attributes=emails`)
      assert.ok(read.json().emails.every((email: { display?: string }) => email.display !== 'x'))
    })

    test('more elements than the limit is 400 naming it, before the work is done (20,000 emails, in PATCH and POST)', async () => {
      const id = await createPlain(uniqueUserName('over'))
      const { result, ms } = await timed(() => send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'emails', value: emails(20_000, 'x') })))
      assert.equal(result.statusCode, 400)
      assert.equal(result.json().scimType, 'invalidValue')
      assert.match(result.json().detail, new RegExp(`at most ${MAX_MULTI_VALUED_ELEMENTS} elements`))
      assert.ok(ms < BOUND_MS, `${ms.toFixed(0)} ms`)
      // Two adds each under the limit, together over it.
      assert.equal((await send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'emails', value: emails(MAX_MULTI_VALUED_ELEMENTS, 'a') }))).statusCode, 200)
      const over = await send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'emails', value: emails(1, 'b') }))
      assert.equal(over.statusCode, 400)
      assert.match(over.json().detail, /at most/)
      const post = await send('POST', '/Users', entraCreateBody(uniqueUserName('post'), { emails: emails(MAX_MULTI_VALUED_ELEMENTS + 1, 'p') }))
      assert.equal(post.statusCode, 400)
      assert.match(post.json().detail, /at most/)
    })

    test(`a .search naming ${MAX_ATTRIBUTE_PATHS} attribute paths over a full page takes under a second; more paths is 400`, async () => {
      const batch = 50
      for (let i = 0; i < 200; i += batch) {
        await Promise.all(Array.from({ length: batch }, (_, j) => send('POST', '/Users', entraCreateBody(`page-${i + j}@contoso.test`))))
      }
      const paths = Array.from({ length: MAX_ATTRIBUTE_PATHS }, (_, i) => (i % 3 === 0 ? `name.givenName` : i % 3 === 1 ? `emails.value` : `x${i}.y`))
      const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], attributes: paths, count: 1000 }
      const { result, ms } = await timed(() => send('POST', '/Users/.search', search))
      assert.equal(result.statusCode, 200, result.body.slice(0, 300))
      assert.ok(result.json().Resources.length >= 200)
      assert.ok(ms < BOUND_MS, `${ms.toFixed(0)} ms`)

      const tooMany = await timed(() => send('POST', '/Users/.search', { ...search, attributes: Array.from({ length: 100_000 }, (_, i) => `a${i % 1000}`) }))
      assert.equal(tooMany.result.statusCode, 400)
      assert.match(tooMany.result.json().detail, new RegExp(`at most ${MAX_ATTRIBUTE_PATHS}`))
      assert.ok(tooMany.ms < BOUND_MS, `${tooMany.ms.toFixed(0)} ms`)
      const query = await send('GET', `/Users?excludedAttributes=${Array.from({ length: MAX_ATTRIBUTE_PATHS + 1 }, () => 'x').join(',')}`)
      assert.equal(query.statusCode, 400)
    })

    // The projection decides whether a write's locked read brings the groups, so it is parsed first: a refused one is a
    // 400 before anything is written, never a write applied and then answered 400.
    test('a PATCH or PUT whose attributes are refused writes nothing', async () => {
      const userName = uniqueUserName('projected')
      const id = await createPlain(userName)
      const tooMany = `excludedAttributes=${Array.from({ length: MAX_ATTRIBUTE_PATHS + 1 }, () => 'x').join(',')}`
      const patched = await send('PATCH', `/Users/${id}?${tooMany}`, patchBody({ op: 'replace', path: 'displayName', value: 'Patched' }))
      assert.equal(patched.statusCode, 400)
      const put = await roster.app.inject({
        method: 'PUT',
        url: `/org/scim/v2/Users/${id}?${tooMany}`,
        headers: scimHeaders(roster.token),
        payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName: 'Replaced' },
      })
      assert.equal(put.statusCode, 400)
      const read = await send('GET', `/Users/${id}`)
      assert.equal(read.json().displayName, undefined)
    })

    test('a lookup sent alongside the worst allowed PATCH is answered promptly', async () => {
      await createPlain('lookup-target@contoso.test')
      const id = await createPlain(uniqueUserName('heavy'))
      const lookUp = () => timed(() => send('GET', `/Users?filter=${encodeURIComponent('userName eq "lookup-target@contoso.test"')}`))
      const alone = await lookUp()
      const heavy = timed(() => send('PATCH', `/Users/${id}`, patchBody({ op: 'add', path: 'emails', value: emails(MAX_MULTI_VALUED_ELEMENTS, 'h') })))
      const lookup = await lookUp()
      assert.equal(lookup.result.statusCode, 200)
      assert.equal(lookup.result.json().totalResults, 1)
      const patch = await heavy
      assert.equal(patch.result.statusCode, 200)
      // Elapsed time this time, since waiting is what a delayed lookup would suffer: under a second, or ten times the
      // lookup alone when a crowded machine makes even that slow.
      const allowed = Math.max(BOUND_MS, 10 * alone.wallMs)
      assert.ok(lookup.wallMs < allowed, `lookup took ${lookup.wallMs.toFixed(0)} ms alongside (alone ${alone.wallMs.toFixed(0)} ms)`)
    })
  })
}
