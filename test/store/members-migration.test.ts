import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { migrateToLatest, migrationsFor } from '../../src/store/migrations/migrate.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestDatabaseWithConnection } from '../helpers/dialects.js'

/**
 * Migration 0002 on a database that already holds users (what an upgrade meets): they become SCIM members whose
 * directory role is their role, provisioned at their last update, with a search key; and 0002 can be undone.
 */
for (const dialect of DIALECTS) {
  describe(`migration 0002-members on existing users (${dialect})`, () => {
    let close: () => Promise<void>
    let db: Kysely<Database>
    let store: Store
    before(async () => {
      ;({ db, store, close } = await openTestDatabaseWithConnection(dialect))
    })
    after(() => close())

    it('backfills directory role, source, last provisioned time and the search key, in batches', async () => {
      const engine = dialect
      // Down to 0001 through every later migration's down(), as an upgrade from before issue 6 would start.
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(engine) } })
      const down = await migrator.migrateTo('0001-initial')
      assert.equal(down.error, undefined)
      await sql`insert into organizations (id, name, role_management, created_at) values ('org_m', 'M', 'scim', '2025-01-01T00:00:00.000Z')`.execute(db)
      // More rows than one backfill batch (500).
      for (let i = 0; i < 501; i++) {
        const document = JSON.stringify({ userName: `U${i}@Example.com`, displayName: `Person ${i}`, emails: [{ value: `Mail${i}@Corp.example`, type: 'work' }] })
        await sql`insert into users (id, org_id, user_name, user_name_key, external_id, display_name, active, role, document, version, created_at, updated_at)
          values (${`usr_${i}`}, 'org_m', ${`U${i}@Example.com`}, ${`u${i}@example.com`}, null, ${`Person ${i}`}, 1, ${i === 0 ? 'ADMIN' : 'INTERVIEWER'}, ${document}, 1,
          '2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z')`.execute(db)
      }
      await migrateToLatest(db, engine)
      const first = await store.findUser('org_m', 'usr_0')
      assert.deepEqual(
        { role: first?.role, directoryRole: first?.directoryRole, source: first?.source, lastProvisionedAt: first?.lastProvisionedAt },
        { role: 'ADMIN', directoryRole: 'ADMIN', source: 'scim', lastProvisionedAt: '2025-02-01T00:00:00.000Z' },
      )
      const last = await store.listMembers('org_m', { query: 'mail500@corp' }, { limit: 10 })
      assert.deepEqual(last.items.map((u) => u.id), ['usr_500'], 'the row after the first batch has its search key')
      assert.equal((await store.listMembers('org_m', { query: 'person 1' }, { limit: 1000 })).items.length, 111)
    })
  })
}
