import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Kysely } from 'kysely'
import { buildLogEntry, type RequestFacts } from '../../src/provisioning/build-log-entry.js'
import { RequestCollector } from '../../src/provisioning/request-collector.js'
import type { Database } from '../../src/store/database.js'
import { migrateToLatest, migrationsFor } from '../../src/store/migrations/migrate.js'
import { parseDatabaseUrl } from '../../src/store/open-store.js'
import { createStore } from '../../src/store/create-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

/**
 * Migration 0009 on a database whose provisioning log already holds deletions (an upgrade): their userNames become
 * deletion tombstones, so just-in-time SSO creation cannot bring back people deleted before the upgrade either.
 */
for (const dialect of DIALECTS) {
  describe(`migration 0009-user-tombstones backfills from the provisioning log (${dialect})`, () => {
    let close: () => Promise<void>
    let db: Kysely<Database>
    let store: Store
    before(async () => {
      let databaseUrl: string
      ;({ close, databaseUrl } = await openTestStore(dialect))
      const { dialect: engine, location } = parseDatabaseUrl(databaseUrl)
      db = engine.open(location, { poolSize: 1 })
      store = createStore(db, engine)
    })
    after(async () => {
      await db.destroy()
      await close()
    })

    const entry = (id: string, userName: string, method: string, deleted: boolean, time: string) => {
      const collector = new RequestCollector()
      collector.changed({ resourceType: 'User', resourceId: id, name: userName, before: { userName }, after: deleted ? null : { userName, displayName: 'x' } })
      const facts: RequestFacts = {
        orgId: 'org_t', time: new Date(time), requestId: 'r', tokenId: 'tok_x', userAgent: undefined, method, path: `/org/scim/v2/Users/${id}`,
        resourceType: 'User', resourceId: id, requestedName: null, status: deleted ? 204 : 200, scimType: null, detail: null, durationMs: 1,
      }
      return buildLogEntry(facts, collector)
    }

    it('turns each logged user deletion into a userName tombstone, and nothing else', async () => {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) }, allowUnorderedMigrations: true })
      const down = await migrator.migrateTo('0007-console-sessions')
      assert.equal(down.error, undefined)
      await sql`insert into organizations (id, name, role_management, created_at) values ('org_t', 'T', 'scim', '2025-01-01T00:00:00.000Z')`.execute(db)
      await store.insertLogEntries([
        entry('usr_gone', 'Gone.Person@Example.com', 'DELETE', true, '2026-11-01T00:00:00.000Z'),
        entry('usr_kept', 'kept@example.com', 'PATCH', false, '2026-11-02T00:00:00.000Z'),
      ])
      await migrateToLatest(db, dialect)
      const hit = await store.findUserTombstone('org_t', { userNames: ['gone.person@EXAMPLE.com'], externalIds: [], emails: [] })
      assert.deepEqual(hit, { userId: 'usr_gone', deletedAt: '2026-11-01T00:00:00.000Z', matchedBy: 'userName' })
      assert.equal(await store.findUserTombstone('org_t', { userNames: ['kept@example.com'], externalIds: [], emails: [] }), undefined)
      assert.equal(await store.findUserTombstone('org_other', { userNames: ['gone.person@example.com'], externalIds: [], emails: [] }), undefined)
    })
  })
}
