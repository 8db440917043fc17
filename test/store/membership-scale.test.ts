import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { newId } from '../../src/lib/ids.js'
import { chunk } from '../../src/store/batching.js'
import type { Database } from '../../src/store/database.js'
import { parseDatabaseUrl } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createGroup, createOrganization } from './store-fixtures.js'

/**
 * Membership writes against a large group stay correct. Their cost is measured by `npm run bench` (the group fill
 * to 100,000 members) and their plans are checked in query-plans.test.ts; tests here assert behaviour, not timings.
 */
const LARGE_GROUP = 5_000
const BATCH = 1_000

for (const dialect of DIALECTS) {
  describe(`membership writes at scale (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let db: Kysely<Database>
    let orgId: string
    let userIds: string[]
    let largeGroupId: string

    before(async () => {
      let databaseUrl: string
      ;({ store, close, databaseUrl } = await openTestStore(dialect))
      const { dialect: engine, location } = parseDatabaseUrl(databaseUrl)
      db = engine.open(location, { poolSize: 1 })
      orgId = await createOrganization(store)
      // Seeded with multi-row INSERTs: going through insertUser 100,000 times would only test patience.
      userIds = Array.from({ length: LARGE_GROUP + 4 * BATCH }, () => newId('usr'))
      const at = new Date().toISOString()
      for (const ids of chunk(userIds, 500)) {
        await db
          .insertInto('users')
          .values(
            ids.map((id) => ({
              id,
              org_id: orgId,
              user_name: id,
              user_name_key: id,
              external_id: null,
              display_name: null,
              active: 1,
              role: 'INTERVIEWER',
              document: '{}',
              version: 1,
              created_at: at,
              updated_at: at,
            })),
          )
          .execute()
      }
      largeGroupId = (await createGroup(store, orgId, 'Large group')).id
      await store.addGroupMembers(orgId, largeGroupId, userIds.slice(0, LARGE_GROUP))
    })
    after(async () => {
      await db.destroy()
      await close()
    })

    it('adds batches of 1,000 members to a large group and to an empty one, idempotently', async () => {
      const small = await createGroup(store, orgId, 'Empty group')
      const fresh = userIds.slice(LARGE_GROUP)
      for (let round = 0; round < 4; round++) {
        const batch = fresh.slice(round * BATCH, (round + 1) * BATCH)
        await store.addGroupMembers(orgId, small.id, batch)
        await store.addGroupMembers(orgId, largeGroupId, batch)
        // Adding the same batch again changes nothing.
        await store.addGroupMembers(orgId, largeGroupId, batch)
      }
      const members = await store.listGroupMembers(orgId, largeGroupId, { limit: LARGE_GROUP + 4 * BATCH + 1 })
      assert.equal(members.length, LARGE_GROUP + 4 * BATCH)
      assert.equal(new Set(members.map((m) => m.userId)).size, members.length)
      const smallMembers = await store.listGroupMembers(orgId, small.id, { limit: 4 * BATCH + 1 })
      assert.equal(smallMembers.length, 4 * BATCH)
    })

    it('removes single members of a large group without touching the others', async () => {
      const removed = userIds.slice(0, 10)
      for (const id of removed) await store.removeGroupMembers(orgId, largeGroupId, [id])
      const members = await store.listGroupMembers(orgId, largeGroupId, { limit: LARGE_GROUP + 4 * BATCH + 1 })
      assert.equal(members.length, LARGE_GROUP + 4 * BATCH - removed.length)
      const remaining = new Set(members.map((m) => m.userId))
      for (const id of removed) assert.equal(remaining.has(id), false)
      assert.equal(remaining.has(userIds[10]!), true)
    })
  })
}
