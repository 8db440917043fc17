import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Clock } from '../../src/lib/clock.js'
import { assertScimError, entraCreateBody, ScimClient, type ListBody } from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** A clock the test moves, to expire cursors. */
class MovableClock implements Clock {
  current = Date.parse('2026-01-01T00:00:00.000Z')
  now = (): Date => new Date(this.current)
}

type CursorList<T = { id: string }> = ListBody & { nextCursor?: string; previousCursor?: string; Resources: T[] }

/** Bounds every walk: a bug that never ends a list must fail, not hang. */
const MAX_PAGES = 100

for (const dialect of DIALECTS) {
  describe(`${dialect}: RFC 9865 cursor paging and keyset index paging`, () => {
    const clock = new MovableClock()
    let roster: TestApp
    let entra: ScimClient

    before(async () => {
      roster = await createTestApp(dialect, { clock })
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    const page = async (path: string): Promise<CursorList> => {
      const response = await entra.get(path)
      assert.equal(response.statusCode, 200, `${path}: ${response.body}`)
      return response.json<CursorList>()
    }
    const createUsers = async (count: number): Promise<string[]> => {
      const ids: string[] = []
      for (let i = 0; i < count; i++) ids.push((await entra.createUser(entraCreateBody())).id)
      return ids
    }
    const deleteUser = async (id: string) => assert.equal((await entra.send('DELETE', `/Users/${id}`)).statusCode, 204)

    test('a cursor walk returns every user exactly once while users are created and deleted in between', async () => {
      const initial = await createUsers(23)
      const seen: string[] = []
      const created: string[] = []
      const deletedUnseen = new Set<string>()
      let cursor = ''
      for (let n = 0; n < MAX_PAGES; n++) {
        const list = await page(`/Users?cursor=${encodeURIComponent(cursor)}&count=4`)
        assert.equal(list.startIndex, undefined, 'a cursor page has no startIndex')
        assert.equal(list.itemsPerPage, list.Resources.length)
        assert.ok(list.Resources.length <= 4)
        if (n === 0) assert.equal(list.previousCursor, undefined, 'the first page has no previous page')
        seen.push(...list.Resources.map((user) => user.id))
        if (list.nextCursor === undefined) break
        cursor = list.nextCursor
        // Between pages: a user joins, a seen user leaves, and an unseen one leaves before it is reached.
        if (n < 4) {
          created.push(...(await createUsers(1)))
          await deleteUser(seen[0 + n]!)
          const unseen = initial.find((id) => !seen.includes(id) && !deletedUnseen.has(id))!
          deletedUnseen.add(unseen)
          await deleteUser(unseen)
        }
      }
      assert.equal(new Set(seen).size, seen.length, 'no user twice')
      for (const id of [...initial.filter((id) => !deletedUnseen.has(id)), ...created]) assert.ok(seen.includes(id), `${id} was never returned`)
      for (const id of deletedUnseen) assert.ok(!seen.includes(id), `${id} was returned after its deletion`)
    })

    test('previousCursor leads back to the page before', async () => {
      const first = await page('/Users?cursor=&count=3')
      const second = await page(`/Users?cursor=${first.nextCursor}&count=3`)
      const third = await page(`/Users?cursor=${second.nextCursor}&count=3`)
      assert.ok(third.previousCursor)
      const back = await page(`/Users?cursor=${third.previousCursor}&count=3`)
      assert.deepEqual(back.Resources.map((u) => u.id), second.Resources.map((u) => u.id))
      const backAgain = await page(`/Users?cursor=${back.previousCursor}&count=3`)
      assert.deepEqual(backAgain.Resources.map((u) => u.id), first.Resources.map((u) => u.id))
      assert.equal(backAgain.previousCursor, undefined, 'nothing precedes the first page')
      assert.equal(back.totalResults, first.totalResults)
    })

    test('a cursor works through POST /.search and keeps its filter', async () => {
      const filter = 'active eq true'
      const first = await entra.send('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, count: 2, cursor: '' })
      assert.equal(first.statusCode, 200, first.body)
      const next = first.json<CursorList>().nextCursor
      assert.ok(next)
      const second = await entra.send('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, count: 2, cursor: next })
      assert.equal(second.statusCode, 200, second.body)
      // The same cursor under another filter is refused: it names a position in a different list.
      assertScimError(await entra.get(`/Users?cursor=${next}&count=2&${entra.filterQuery('active eq false')}`), 400, 'invalidCursor')
    })

    test('a malformed, edited or foreign cursor is 400 invalidCursor; an old one 400 expiredCursor', async () => {
      for (const bad of ['nonsense', 'YWJj', '%00', 'a'.repeat(300)]) {
        assertScimError(await entra.get(`/Users?cursor=${bad}`), 400, 'invalidCursor')
      }
      const mine = (await page('/Users?cursor=&count=2')).nextCursor
      assert.ok(mine)
      const other = await roster.createOrg('Other')
      const otherClient = new ScimClient(roster.app, other.token)
      assertScimError(await otherClient.get(`/Users?cursor=${mine}&count=2`), 400, 'invalidCursor')
      assertScimError(await entra.get(`/Groups?cursor=${mine}&count=2`), 400, 'invalidCursor')
      assertScimError(await entra.get(`/Users?cursor=${mine}&startIndex=3`), 400, 'invalidValue')
      clock.current += 3601_000
      try {
        assertScimError(await entra.get(`/Users?cursor=${mine}&count=2`), 400, 'expiredCursor')
      } finally {
        clock.current -= 3601_000
      }
    })

    test('groups page by cursor too, each exactly once', async () => {
      const ids: string[] = []
      for (let i = 0; i < 7; i++) {
        const response = await entra.send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `cursor group ${i}` })
        assert.equal(response.statusCode, 201, response.body)
        ids.push(response.json<{ id: string }>().id)
      }
      const seen: string[] = []
      let cursor = ''
      for (let n = 0; n < MAX_PAGES; n++) {
        const list = await page(`/Groups?cursor=${cursor}&count=3&excludedAttributes=members`)
        seen.push(...list.Resources.map((group) => group.id))
        if (list.nextCursor === undefined) break
        cursor = list.nextCursor
      }
      assert.deepEqual([...seen].sort(), [...ids].sort())
    })

    test('startIndex pages continue after the last user seen: a keyset seek, not an OFFSET', async () => {
      const total = (await page('/Users?count=0')).totalResults
      const first = await page('/Users?startIndex=1&count=5')
      const second = await page('/Users?startIndex=6&count=5')
      // Deleting a user the client has already seen shifts every later offset by one; an OFFSET read of startIndex 11
      // would now skip a user the client never saw. The remembered position does not.
      await deleteUser(first.Resources[0]!.id)
      const expected = (await page(`/Users?startIndex=1&count=${total}`)).Resources.map((u) => u.id)
      const lastSeen = expected.indexOf(second.Resources.at(-1)!.id)
      const third = await page('/Users?startIndex=11&count=5')
      assert.deepEqual(third.Resources.map((u) => u.id), expected.slice(lastSeen + 1, lastSeen + 6))
      assert.equal(third.totalResults, total - 1)
      assert.equal(third.startIndex, 11)
    })
  })
}
