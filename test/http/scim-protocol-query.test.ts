import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Clock } from '../../src/lib/clock.js'
import {
  assertScimError,
  assertScimResponse,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  LIST_RESPONSE_SCHEMA,
  ScimClient,
  type ListBody,
  type ScimUserBody,
} from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** A clock the test moves: user n is created (and last modified) at 2024-01-01T0n:00:00Z. */
class StepClock implements Clock {
  current = Date.parse('2024-01-01T00:00:00.000Z')
  now = (): Date => new Date(this.current)
}

interface Person {
  userName: string
  displayName: string
  familyName: string
  active: boolean
  title?: string
  nickName?: string
  department?: string
  emails?: { type: string; value: string; primary?: boolean }[]
}

/** Five users with distinct shapes; `people[n]` is created at hour n+1. Exact expectations below rely on them. */
const people: Person[] = [
  { userName: 'alice.anders@contoso.test', displayName: 'Alice Anders', familyName: 'Anders', title: 'Engineer', active: true, department: 'Sales', emails: [{ type: 'work', value: 'alice@contoso.com', primary: true }, { type: 'home', value: 'alice@example.org' }] },
  { userName: 'bob.baker@contoso.test', displayName: 'Bob Baker', familyName: 'Baker', title: 'Manager', active: false, emails: [{ type: 'work', value: 'bob@contoso.com' }] },
  { userName: 'carol.chen@fabrikam.test', displayName: 'Carol Chen', familyName: 'Chen', active: true, department: 'Sales', emails: [{ type: 'work', value: 'carol@fabrikam.com' }] },
  { userName: 'dave.diaz@fabrikam.test', displayName: 'Dave Diaz', familyName: 'Diaz', active: true, nickName: 'D' },
  { userName: 'erin.evans@contoso.test', displayName: 'Erin Evans', familyName: 'Evans', active: true, emails: [{ type: 'work', value: 'erin@contoso.com', primary: true }, { type: 'other', value: 'erin@example.net' }] },
]

/** Filters over HTTP (RFC 7644 §3.4.2.2) and the 1-based positions in `people` they must select. */
const FILTER_CASES: [string, number[]][] = [
  ['userName eq "bob.baker@contoso.test"', [2]],
  ['USERNAME Eq "Bob.Baker@Contoso.TEST"', [2]],
  [`${CORE_USER_SCHEMA}:userName eq "dave.diaz@fabrikam.test"`, [4]],
  ['userName sw "ALICE"', [1]],
  ['userName ew "@fabrikam.test"', [3, 4]],
  ['displayName co "er"', [1, 2, 5]],
  ['userName ne "alice.anders@contoso.test"', [2, 3, 4, 5]],
  ['title pr', [1, 2]],
  ['nickName pr', [4]],
  ['not (title pr)', [3, 4, 5]],
  ['title eq "engineer"', [1]],
  ['active eq false', [2]],
  ['displayName gt "C"', [3, 4, 5]],
  ['displayName le "Bob Baker"', [1, 2]],
  ['name.familyName eq "chen"', [3]],
  ['externalId eq "ext-3"', [3]],
  ['emails[type eq "work"].value eq "carol@fabrikam.com"', [3]],
  ['emails[TYPE EQ "work"].VALUE eq "BOB@CONTOSO.COM"', [2]],
  ['emails[type eq "work" and value co "contoso"]', [1, 2, 5]],
  ['emails.value co "example"', [1, 5]],
  ['emails[type eq "other"]', [5]],
  ['userName sw "a" or userName sw "b"', [1, 2]],
  ['(userName sw "a" or userName sw "b") and active eq true', [1]],
  ['userName sw "c" or userName sw "b" and active eq true', [3]],
  ['not (userName sw "a") and not (userName sw "b")', [3, 4, 5]],
  ['meta.lastModified gt "2024-01-01T03:30:00.000Z"', [4, 5]],
  ['meta.lastModified ge "2024-01-01T04:00:00.000Z"', [4, 5]],
  ['meta.created lt "2024-01-01T02:00:00.000Z"', [1]],
  ['meta.created le "2024-01-01T02:00:00Z"', [1, 2]],
  [`${ENTERPRISE_USER_SCHEMA}:department eq "sales"`, [1, 3]],
  ['userName eq "nobody@contoso.test"', []],
  // Leniency shared with Microsoft's reference server: an unquoted word is a string.
  ['userName sw carol', [3]],
  ['meta.created lt 2024-01-01T02:00:00.000Z', [1]],
]

/** Malformed filters: each is 400 invalidFilter saying at which character it broke. */
const MALFORMED_FILTERS = ['userName eq', 'userName eq "unterminated', '(userName eq "a"', 'userName xx "a"', 'userName eq "a" and', 'emails[type eq "work"', 'userName eq "a")', 'and', "userName eq 'bob'"]

for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM list queries (filter, paging, projection)`, () => {
    const clock = new StepClock()
    let roster: TestApp
    let entra: ScimClient
    const ids: string[] = []
    const idsAt = (positions: number[]) => positions.map((p) => ids[p - 1]).sort()
    const listIds = (list: ListBody) => list.Resources.map((u) => u.id).sort()

    before(async () => {
      roster = await createTestApp(dialect, { clock, env: { MAX_PAGE_SIZE: '4', DEFAULT_PAGE_SIZE: '3' } })
      entra = new ScimClient(roster.app, roster.token)
      for (const [index, person] of people.entries()) {
        clock.current = Date.parse('2024-01-01T00:00:00.000Z') + (index + 1) * 3_600_000
        const { familyName, department, ...attributes } = person
        const created = await entra.createUser({
          schemas: [CORE_USER_SCHEMA],
          externalId: `ext-${index + 1}`,
          ...attributes,
          name: { familyName, givenName: person.displayName.split(' ')[0] },
          ...(department ? { [ENTERPRISE_USER_SCHEMA]: { department } } : {}),
        })
        ids.push(created.id)
      }
    })
    after(() => roster.close())

    for (const [expression, positions] of FILTER_CASES) {
      test(`filter ${expression} selects users ${JSON.stringify(positions)}`, async () => {
        // count=4 (the maximum here) holds every expected page: the default page size is 3.
        const list = await entra.list(`${entra.filterQuery(expression)}&count=4`)
        assert.deepEqual(listIds(list), idsAt(positions))
        assert.equal(list.totalResults, positions.length)
      })
    }

    for (const expression of MALFORMED_FILTERS) {
      test(`malformed filter ${JSON.stringify(expression)} is 400 invalidFilter saying where it broke`, async () => {
        const error = assertScimError(await entra.get(`/Users?${entra.filterQuery(expression)}`), 400, 'invalidFilter')
        assert.match(error.detail, /character \d+/)
      })
    }

    test('filter on an attribute Roster does not know selects nothing rather than failing', async () => {
      const response = await entra.get(`/Users?${entra.filterQuery('favouriteColour eq "teal"')}`)
      if (response.statusCode === 200) assert.equal(response.json<ListBody>().totalResults, 0)
      else assertScimError(response, 400, 'invalidFilter')
    })

    test('startIndex and count page through the users in a stable order (RFC 7644 §3.4.2.4)', async () => {
      const pages: string[] = []
      for (const startIndex of [1, 3, 5]) {
        const page = await entra.list(`startIndex=${startIndex}&count=2`)
        assert.equal(page.totalResults, 5)
        assert.equal(page.startIndex, startIndex)
        assert.equal(page.itemsPerPage, page.Resources.length)
        pages.push(...page.Resources.map((u) => u.id))
      }
      assert.deepEqual([...pages].sort(), [...ids].sort())
      assert.equal(new Set(pages).size, 5)
    })

    test('startIndex past the end gives an empty page with the total; startIndex below 1 counts as 1', async () => {
      const past = await entra.list('startIndex=50&count=2')
      assert.equal(past.totalResults, 5)
      assert.deepEqual(past.Resources, [])
      const low = await entra.list('startIndex=0&count=2')
      assert.equal(low.startIndex, 1)
      assert.equal(low.Resources.length, 2)
    })

    test('count=0 gives the total only', async () => {
      const list = await entra.list('count=0')
      assert.equal(list.totalResults, 5)
      assert.deepEqual(list.Resources, [])
      assert.equal(list.itemsPerPage, 0)
      assert.equal((await entra.list(`count=0&${entra.filterQuery('userName ew "@contoso.test"')}`)).totalResults, 3)
    })

    test('count above the maximum page size is clamped to it; no count gives the default page size', async () => {
      const clamped = await entra.list('count=1000000')
      assert.equal(clamped.Resources.length, roster.config.maxPageSize)
      assert.equal(clamped.totalResults, 5)
      const defaulted = await entra.list('')
      assert.equal(defaulted.Resources.length, roster.config.defaultPageSize)
    })

    test('a non-integer startIndex or count is 400 invalidValue', async () => {
      assertScimError(await entra.get('/Users?count=ten'), 400, 'invalidValue')
      assertScimError(await entra.get('/Users?startIndex=1.5'), 400, 'invalidValue')
    })

    test('attributes=userName,emails returns those plus id and schemas only (RFC 7644 §3.9)', async () => {
      const list = await entra.list(`attributes=userName,emails&${entra.filterQuery('userName eq "alice.anders@contoso.test"')}`)
      const user = list.Resources[0]!
      assert.deepEqual(Object.keys(user).sort(), ['emails', 'id', 'schemas', 'userName'])
      assert.equal(user.emails?.length, 2)
    })

    test('attributes with a sub-attribute and an extension attribute keep only those parts', async () => {
      const response = await entra.get(`/Users/${ids[0]}?attributes=name.familyName,${ENTERPRISE_USER_SCHEMA}:department`)
      assertScimResponse(response, 200)
      const user = response.json<ScimUserBody>()
      assert.deepEqual(user.name, { familyName: 'Anders' })
      assert.deepEqual(user[ENTERPRISE_USER_SCHEMA], { department: 'Sales' })
      assert.equal(user.userName, undefined)
    })

    test('excludedAttributes drops the named attributes and keeps the rest', async () => {
      const response = await entra.get(`/Users/${ids[0]}?excludedAttributes=emails,name,displayName`)
      const user = response.json<ScimUserBody>()
      assert.equal(user.emails, undefined)
      assert.equal(user.name, undefined)
      assert.equal(user.displayName, undefined)
      assert.equal(user.userName, 'alice.anders@contoso.test')
      assert.equal(user.id, ids[0])
      const list = await entra.list('excludedAttributes=emails')
      assert.ok(list.Resources.every((u) => u.emails === undefined && typeof u.id === 'string'))
    })

    test('POST /Users/.search takes filter, paging and attributes in the body (RFC 7644 §3.4.3)', async () => {
      const response = await entra.send('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName ew "@contoso.test"',
        startIndex: 1,
        count: 2,
        attributes: ['userName'],
      })
      assertScimResponse(response, 200)
      const list = response.json<ListBody>()
      assert.deepEqual(list.schemas, [LIST_RESPONSE_SCHEMA])
      assert.equal(list.totalResults, 3)
      assert.equal(list.Resources.length, 2)
      assert.ok(list.Resources.every((u) => u.userName.endsWith('@contoso.test') && u.emails === undefined))
    })

    test('POST /Users/.search with a malformed filter is 400 invalidFilter', async () => {
      assertScimError(await entra.send('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq' }), 400, 'invalidFilter')
    })

    test('unknown query parameters are ignored', async () => {
      const list = await entra.list(`aadOptscim062020&foo=bar&sortBy=userName&${entra.filterQuery('userName sw "erin"')}&utm_source=x`)
      assert.deepEqual(listIds(list), idsAt([5]))
    })

    test('query parameter names are case-insensitive', async () => {
      const list = await entra.list(`Filter=${encodeURIComponent('userName sw "carol"')}&COUNT=1`)
      assert.deepEqual(listIds(list), idsAt([3]))
    })
  })
}
