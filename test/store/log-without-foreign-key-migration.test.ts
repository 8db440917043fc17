import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { migrateToLatest, migrationsFor } from '../../src/store/migrations/migrate.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestDatabaseWithConnection } from '../helpers/dialects.js'
import { logEntry } from '../provisioning/log-fixtures.js'
import { createOrganization } from './store-fixtures.js'

/**
 * Migration 0011 (PostgreSQL only): the log's foreign key gives way to a trigger that does its cascade. Down and up
 * again: down removes rows no organization owns (which the key would refuse) and restores the key; up again leaves the
 * log to the trigger, which deletes an organization's rows whatever deleted the organization.
 */
if (DIALECTS.includes('postgres')) {
  describe('migration 0011-log-without-foreign-key down and up (postgres)', () => {
    let close: () => Promise<void>
    let db: Kysely<Database>
    let store: Store
    before(async () => {
      ;({ db, store, close } = await openTestDatabaseWithConnection('postgres'))
    })
    after(() => close())

    const logOrgs = async () => (await sql<{ org_id: string }>`select org_id from provisioning_log order by seq`.execute(db)).rows.map((row) => row.org_id)
    const insertRaw = (orgId: string) =>
      sql`insert into provisioning_log (id, org_id, at, request_id, method, path, status, outcome, duration_ms, notes, changes, search_text)
        values (${`log_${orgId}`}, ${orgId}, '2026-01-01T00:00:00.000Z', 'req', 'GET', '/Users', 200, 'success', 1, '[]', '[]', '')`.execute(db)

    it('restores the foreign key without orphans, and leaves the cascade to the trigger again', async () => {
      const kept = await createOrganization(store, 'Kept')
      const gone = await createOrganization(store, 'Gone')
      assert.equal(await store.insertLogEntries([logEntry(kept, new Date()), logEntry(gone, new Date())]), 2)
      await insertRaw('org_orphan')

      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor('postgres') }, allowUnorderedMigrations: true })
      const down = await migrator.migrateTo('0010-slim-outbox')
      assert.equal(down.error, undefined)
      assert.deepEqual(await logOrgs(), [kept, gone], 'the orphan is gone, the others stay')
      await assert.rejects(insertRaw('org_none'), /foreign key/)
      assert.equal(await store.deleteOrganization(gone), true)
      assert.deepEqual(await logOrgs(), [kept])
      const triggers = await sql`select 1 from pg_trigger where tgname = 'organizations_delete_log'`.execute(db)
      assert.equal(triggers.rows.length, 0)

      await migrateToLatest(db, 'postgres')
      await insertRaw('org_none')
      assert.deepEqual(await logOrgs(), [kept, 'org_none'], 'no foreign key any more')
      await sql`delete from organizations where id = ${kept}`.execute(db)
      assert.deepEqual(await logOrgs(), ['org_none'], "the trigger deleted the organization's rows")
    })
  })
}
