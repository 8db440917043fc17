import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import {
  ENTERPRISE_USER_SCHEMA,
  entraCreateBody,
  ERROR_SCHEMA,
  MODERNLOOP_USER_SCHEMA,
  PATCH_OP_SCHEMA,
  ScimClient,
  uniqueUserName,
} from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** Deterministic PRNG (mulberry32), so a failure replays: FUZZ_SEED=<seed> npm test -- <this file>. */
function randomSource(seed: number) {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number): number => Math.floor(next() * max)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!
  return { next, int, pick }
}
type Random = ReturnType<typeof randomSource>

const SEED = Number(process.env.FUZZ_SEED ?? 20240601)
const CASES_PER_KIND = 40

const ATTRIBUTES = ['userName', 'USERNAME', 'emails', 'emails.value', 'name.givenName', 'active', 'meta.lastModified', 'id', 'externalId', 'groups', 'roles', 'members', `${ENTERPRISE_USER_SCHEMA}:manager`, `${MODERNLOOP_USER_SCHEMA}:modernloopRole`, 'urn:x', 'a.b.c.d', '$ref', '__proto__', 'constructor', '']
const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'pr', 'gt', 'ge', 'lt', 'le', 'EQ', 'xx', 'and', 'or', 'not', '']
const VALUES = ['"x"', '""', '"a\\"b"', '"\\u0000"', 'true', 'false', 'null', '42', '-1e309', '1.5', '"2024-01-01T00:00:00Z"', 'bare', '"unterminated', "'single'", '"%"', '"_"', '"\\\\"']
const PUNCTUATION = ['(', ')', '[', ']', '.', ':', ' ', '"', '\\', '\u00a0', '\u2028', '😀', '%00', '%']

function randomFilter(random: Random): string {
  const parts: string[] = []
  const length = 1 + random.int(8)
  for (let i = 0; i < length; i++) {
    const kind = random.int(4)
    parts.push(kind === 0 ? random.pick(ATTRIBUTES) : kind === 1 ? random.pick(OPERATORS) : kind === 2 ? random.pick(VALUES) : random.pick(PUNCTUATION))
  }
  return parts.join(random.next() < 0.8 ? ' ' : '')
}

function randomJsonValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 6 : 9)) {
    case 0: return null
    case 1: return random.pick([true, false, 'True', 'False', 'maybe'])
    case 2: return random.pick([0, -1, 1e308, 3.14, Number.MAX_SAFE_INTEGER + 2])
    case 3: return random.pick(['', ' ', 'x'.repeat(5000), '\u0000', '😀', '{"value":"Admin"}', 'ADMIN', 'ml_admin'])
    case 4: return random.pick(ATTRIBUTES)
    case 5: return []
    case 6: return [randomJsonValue(random, depth + 1), randomJsonValue(random, depth + 1)]
    case 7: return { value: randomJsonValue(random, depth + 1), type: random.pick(['work', 'home', 42, null]) }
    default: return Object.fromEntries([[random.pick(ATTRIBUTES), randomJsonValue(random, depth + 1)], ['__proto__', { polluted: true }]])
  }
}

/** A create body with a few attributes replaced by random values, or raw text that is barely JSON. */
function randomCreateBody(random: Random): unknown {
  if (random.next() < 0.2) return random.pick(['{', '{"userName":}', '[', '\u0000', '{"a":1}{"b":2}', '{"userName":"x","userName":"y"}', '{"__proto__":{"admin":true},"userName":"p"}'])
  const body = entraCreateBody(uniqueUserName('fuzz'))
  const changes = 1 + random.int(3)
  for (let i = 0; i < changes; i++) body[random.pick([...ATTRIBUTES, 'schemas', 'name', 'modernloopRole', ENTERPRISE_USER_SCHEMA, MODERNLOOP_USER_SCHEMA])] = randomJsonValue(random)
  return body
}

function randomPatchBody(random: Random): unknown {
  if (random.next() < 0.15) return random.pick([{}, { Operations: null }, { schemas: 'x', Operations: [] }, [], 'null'])
  const operations = Array.from({ length: 1 + random.int(3) }, () => {
    const operation: Record<string, unknown> = { op: random.pick(['add', 'Replace', 'REMOVE', 'move', '', 7]) }
    if (random.next() < 0.85) operation.path = random.next() < 0.5 ? random.pick(ATTRIBUTES) : `${random.pick(ATTRIBUTES)}[${randomFilter(random)}]${random.pick(['', '.value', '.x.y'])}`
    if (random.next() < 0.85) operation.value = randomJsonValue(random)
    return operation
  })
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations }
}

const RANDOM_PATHS = ['/Users/..%2F..%2Fetc', '/Users/%00', '/Users/"><script>', '/Users/ ', '/Users//', '/Users?filter=%', '/Users?count=1e9', '/Users?startIndex=-99999999999999999999', '/Users?attributes=%5B', '/Users?attributes=emails[type eq', '/Users?excludedAttributes=,,,', '/Users?count=0x10', '/Users?filter=userName%20eq%20%22a%22&filter=x']

/** Issue 12's shapes: strings with unpaired surrogates, long and case-folding names, values that are not text. */
const HARD_STRINGS = ['\ud800', 'a\udc00b', '\udbff\udfff', '\ud83d\ude00', 'ΟΔΥΣΣΕΥΣ', 'οδυσσευσ', 'Straße', 'İ'.repeat(1000), 'Ⱥ'.repeat(700), 'x'.repeat(2001)]

/** A JSON text with a hard string spliced in as a raw escape (JSON.stringify would escape the backslash). */
function withHardString(random: Random, template: (text: string) => string): string {
  return template(`"${random.pick(HARD_STRINGS)}"`)
}

/** `.search` bodies of every shape: arrays of objects, numbers, nested arrays, huge path lists. */
function randomSearchBody(random: Random): unknown {
  const oddValue = (): unknown =>
    random.pick<unknown>([[{ toString: 1 }], [{ valueOf: 1 }], [[1]], [null], { toString: 1 }, 42, true, 'userName', ['userName', 'emails'], Array.from({ length: 1 + random.int(3000) }, (_, i) => `a${i}`)])
  const body: Record<string, unknown> = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }
  for (const key of ['attributes', 'excludedAttributes', 'filter', 'count', 'startIndex', 'sortBy']) if (random.next() < 0.5) body[key] = oddValue()
  return body
}

/** Multi-valued attributes around the element limit, role copies that disagree, in random key order. */
function randomHeavyUserBody(random: Random): Record<string, unknown> {
  const count = random.pick([0, 1, 999, 1000, 1001, 5000])
  const entries: [string, unknown][] = [
    ['userName', uniqueUserName('heavy')],
    [random.pick(['emails', 'roles', 'phoneNumbers', 'addresses', 'entitlements']), Array.from({ length: count }, (_, i) => ({ value: `v${i % 700}`, type: random.pick(['work', 'home']) }))],
    ['modernloopRole', random.pick(['ADMIN', 'scheduler', 'ml_interviewer', '', null, 'boss'])],
    [MODERNLOOP_USER_SCHEMA, { modernloopRole: random.pick(['ADMIN', 'SCHEDULER', 'INTERVIEWER', null]) }],
    [`urn:ietf:params:scim:schemas:core:2.0:User:modernloopRole`, random.pick(['ADMIN', 'INTERVIEWER', undefined])],
  ]
  for (let i = entries.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
  }
  return Object.fromEntries(entries)
}

/** Any answer is fine except a crash: below 500, and every error is a SCIM Error body. */
function assertHandled(response: LightMyRequestResponse, what: string): void {
  assert.ok(response.statusCode < 500, `${what} → ${response.statusCode}: ${response.body.slice(0, 300)}`)
  if (response.statusCode >= 400) {
    assert.match(String(response.headers['content-type']), /^application\/scim\+json/, `${what}: content type`)
    const body = response.json<{ schemas: string[]; status: string; detail: string }>()
    assert.deepEqual(body.schemas, [ERROR_SCHEMA], what)
    assert.equal(body.status, String(response.statusCode), what)
    assert.equal(typeof body.detail, 'string', what)
  }
}

// Issue 2, "Errors", and issue 12: no client input ever yields a 500. Bounded: 6 kinds × 40 cases per database.
for (const dialect of DIALECTS) {
  describe(`${dialect}: malformed input never crashes the SCIM surface (seed ${SEED})`, () => {
    let roster: TestApp
    let entra: ScimClient
    let userId: string
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
      userId = (await entra.createUser()).id
    })
    after(() => roster.close())

    test('random filters are answered with a list or a 400', async () => {
      const random = randomSource(SEED)
      for (let i = 0; i < CASES_PER_KIND; i++) {
        const filter = randomFilter(random)
        assertHandled(await entra.get(`/Users?filter=${encodeURIComponent(filter)}`), `filter ${JSON.stringify(filter)}`)
      }
    })

    test('random create bodies are answered with 201 or a 4xx', async () => {
      const random = randomSource(SEED + 1)
      for (let i = 0; i < CASES_PER_KIND; i++) {
        const body = randomCreateBody(random)
        assertHandled(await entra.send('POST', '/Users', typeof body === 'string' ? body : JSON.stringify(body)), `POST ${JSON.stringify(body).slice(0, 200)}`)
      }
      assert.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype pollution')
    })

    test('random PATCH bodies are answered with 200 or a 4xx, and the user stays readable', async () => {
      const random = randomSource(SEED + 2)
      for (let i = 0; i < CASES_PER_KIND; i++) {
        const body = randomPatchBody(random)
        assertHandled(await entra.send('PATCH', `/Users/${userId}`, typeof body === 'string' ? body : JSON.stringify(body)), `PATCH ${JSON.stringify(body).slice(0, 200)}`)
        assertHandled(await entra.get(`/Users/${userId}`), 'GET after PATCH')
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution')
    })

    test('random PUT bodies are answered with 200 or a 4xx', async () => {
      const random = randomSource(SEED + 3)
      for (let i = 0; i < CASES_PER_KIND; i++) {
        const body = randomCreateBody(random)
        const response = await entra.send('PUT', `/Users/${userId}`, typeof body === 'string' ? body : JSON.stringify(body))
        assertHandled(response, `PUT ${JSON.stringify(body).slice(0, 200)}`)
      }
    })

    test("issue 12's shapes: .search bodies, surrogates, long keys, element limits, role copies, vanished members", async () => {
      const random = randomSource(SEED + 5)
      for (let i = 0; i < CASES_PER_KIND; i++) {
        const search = randomSearchBody(random)
        assertHandled(await entra.send('POST', '/Users/.search', JSON.stringify(search)), `.search ${JSON.stringify(search).slice(0, 200)}`)
        const raw = withHardString(random, (text) => random.pick([`{"userName":${text}}`, `{"userName":"u${i}@x.test","displayName":${text}}`, `{"userName":"v${i}@x.test",${text}:1}`]))
        assertHandled(await entra.send('POST', '/Users', raw), `POST ${raw.slice(0, 120)}`)
        const patch = withHardString(random, (text) => `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[{"op":"replace","path":"${random.pick(['displayName', 'userName', 'emails[type eq "work"].value', 'name.givenName'])}","value":${text}}]}`)
        assertHandled(await entra.send('PATCH', `/Users/${userId}`, patch), `PATCH ${patch.slice(0, 120)}`)
        const group = withHardString(random, (text) => `{"displayName":${text}}`)
        assertHandled(await entra.send('POST', '/Groups', group), `POST /Groups ${group.slice(0, 120)}`)
        const heavy = randomHeavyUserBody(random)
        assertHandled(await entra.send('POST', '/Users', JSON.stringify(heavy)), `POST heavy ${JSON.stringify(heavy).slice(0, 200)}`)
        assertHandled(await entra.send('PUT', `/Users/${userId}`, JSON.stringify({ ...heavy, userName: 'fuzzed-put@contoso.test' })), 'PUT heavy')
      }
      // Members that vanish between two requests, mixed with ids that never existed.
      const group = await entra.send('POST', '/Groups', JSON.stringify({ displayName: `fuzz-members-${dialect}` }))
      const groupId = group.json<{ id: string }>().id
      for (let i = 0; i < 10; i++) {
        const doomed = (await entra.createUser()).id
        const members = [doomed, userId, random.pick(['nope', '%00', 'x'.repeat(600), 'grp_1'])].map((value) => ({ value }))
        const [patch, deletion] = await Promise.all([
          entra.send('PATCH', `/Groups/${groupId}`, JSON.stringify({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: random.pick(['add', 'replace']), path: 'members', value: members }] })),
          entra.send('DELETE', `/Users/${doomed}`),
        ])
        assertHandled(patch, 'PATCH members racing a delete')
        assertHandled(deletion, 'DELETE racing a members PATCH')
      }
      assertHandled(await entra.get(`/Users/${userId}`), 'the user stays readable')
    })

    test('a URL with broken percent-encoding or an over-long id is answered with a SCIM error', async () => {
      for (const path of ['/Users/%', '/Users/%ZZ', `/Users/${'9'.repeat(600)}`]) assertHandled(await entra.get(path), `GET ${path.slice(0, 40)}`)
    })

    test('odd URLs, query parameters and headers are answered without a 500', async () => {
      const random = randomSource(SEED + 4)
      for (const path of RANDOM_PATHS) assertHandled(await entra.get(path), `GET ${path}`)
      for (let i = 0; i < CASES_PER_KIND - RANDOM_PATHS.length; i++) {
        const query = `startIndex=${encodeURIComponent(random.pick(VALUES))}&count=${encodeURIComponent(random.pick(VALUES))}&attributes=${encodeURIComponent(random.pick(ATTRIBUTES))}&excludedAttributes=${encodeURIComponent(randomFilter(random))}`
        assertHandled(await entra.get(`/Users?${query}`), `GET /Users?${query}`)
      }
      for (const contentType of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/scim+json; charset=latin1', '']) {
        assertHandled(await entra.send('POST', '/Users', JSON.stringify(entraCreateBody()), { 'content-type': contentType }), `POST as ${contentType}`)
      }
      for (const authorization of ['Bearer scimtok_', `Bearer ${'a'.repeat(10_000)}`, 'Bearer \u00ff\u00fe', 'Bearer eyJ.eyJ.sig', 'Bearer scimtok_aaaaaaaaaaaaaaaaaaaaaaaa.%%%']) {
        assertHandled(await entra.get('/Users', { authorization }), `Authorization ${authorization.slice(0, 40)}`)
      }
      const probe = await entra.get('/Users?filter=userName+eq+%22still-alive%22')
      assert.equal(probe.statusCode, 200)
    })
  })
}
