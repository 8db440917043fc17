import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { migrateToLatest, migrationsFor } from '../../src/store/migrations/migrate.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestDatabaseWithConnection } from '../helpers/dialects.js'

/**
 * Migration 0010 on an outbox that already holds events (an upgrade): every event keeps its position, sequence, id
 * and data; the feeds, a replay's lookup by position and retention read them as before; appends continue after them;
 * and the indexes that went (id, time) are gone.
 */
for (const dialect of DIALECTS) {
  describe(`migration 0010-slim-outbox on existing events (${dialect})`, () => {
    let close: () => Promise<void>
    let db: Kysely<Database>
    let store: Store
    before(async () => {
      ;({ db, store, close } = await openTestDatabaseWithConnection(dialect))
    })
    after(() => close())

    it('keeps every event readable in order and appends after them', async () => {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) }, allowUnorderedMigrations: true })
      const down = await migrator.migrateTo('0007-console-sessions')
      assert.equal(down.error, undefined)
      await sql`insert into organizations (id, name, role_management, created_at) values ('org_a', 'A', 'scim', '2025-01-01T00:00:00.000Z')`.execute(db)
      await sql`insert into organizations (id, name, role_management, created_at) values ('org_b', 'B', 'scim', '2025-01-01T00:00:00.000Z')`.execute(db)
      for (let position = 1; position <= 30; position++) {
        const org = position % 3 === 0 ? 'org_b' : 'org_a'
        const seq = position % 3 === 0 ? position / 3 : position - Math.floor(position / 3)
        const time = new Date(Date.UTC(2025, 0, 1, 0, position)).toISOString()
        await sql`insert into events (position, id, org_id, seq, type, time, data)
          values (${position}, ${`evt_${position}`}, ${org}, ${seq}, 'member.updated', ${time}, ${JSON.stringify({ n: position })})`.execute(db)
      }
      await sql`insert into event_streams (stream, last_seq) values ('*', 30), ('org_a', 20), ('org_b', 10)`.execute(db)

      await migrateToLatest(db, dialect)

      const all = await store.readAllEvents(0, 100)
      assert.deepEqual(all.map((e) => e.position), Array.from({ length: 30 }, (_, i) => i + 1))
      const orgB = await store.readOrgEvents('org_b', 4, 100)
      assert.deepEqual(orgB.map((e) => [e.sequence, e.position, e.id]), [5, 6, 7, 8, 9, 10].map((s) => [s, s * 3, `evt_${s * 3}`]))
      assert.deepEqual(orgB[0]?.data, { n: 15 })
      assert.deepEqual((await store.readEventsForEndpoint('org_a', 28, 10)).map((e) => e.position), [29])
      assert.equal((await store.findEvent(12, 'evt_12'))?.sequence, 4)
      assert.equal(await store.findEvent(12, 'evt_13'), undefined, 'a position and an id that do not belong together find nothing')

      await store.transaction((tx) => tx.appendEvents('org_b', [{ id: 'evt_new', organization: 'org_b', type: 'member.created', time: '2025-01-02T00:00:00.000Z', data: {} }]))
      assert.deepEqual((await store.readOrgEvents('org_b', 10, 10)).map((e) => [e.id, e.position, e.sequence]), [['evt_new', 31, 11]])

      // Retention by time without a time index: the first ten minutes' events go, none after.
      const pruned = await store.pruneEvents(new Date(Date.UTC(2025, 0, 1, 0, 11)).toISOString(), 1000)
      assert.equal(pruned, 10)
      assert.equal((await store.readAllEvents(0, 1))[0]?.position, 11)
      assert.equal(await store.prunedThrough('*'), 10)

      const indexes =
        dialect === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'events'`.execute(db)).rows
          : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'events'`.execute(db)).rows
      const names = indexes.map((row) => row.name).sort()
      assert.deepEqual(names, dialect === 'sqlite' ? ['events_org_position', 'events_org_seq'] : ['events_org_position', 'events_org_seq_unique', 'events_pkey'])
    })
  })
}

/**
 * A migration that fails half-way (or a crash half-way) must leave the database as it was: 0010 copies `events`, drops
 * it and renames the copy, and run statement by statement a failure after the drop left no `events` table and the
 * migration unrecorded, so every later start failed on the copy that already existed (SQLite; PostgreSQL's migrations
 * were transactional already).
 */
if (DIALECTS.includes('sqlite')) {
  describe('migration 0010-slim-outbox failing half-way (sqlite)', () => {
    let close: () => Promise<void>
    let db: Kysely<Database>
    let store: Store
    before(async () => {
      ;({ db, store, close } = await openTestDatabaseWithConnection('sqlite'))
    })
    after(() => close())

    it('changes nothing, and runs once what stopped it is gone', async () => {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor('sqlite') }, allowUnorderedMigrations: true })
      assert.equal((await migrator.migrateTo('0009-user-tombstones')).error, undefined)
      await sql`insert into events (position, id, org_id, seq, type, time, data)
        values (1, 'evt_1', 'org_a', 1, 'member.updated', '2025-01-01T00:00:00.000Z', '{}')`.execute(db)
      await sql`insert into event_streams (stream, last_seq) values ('*', 1), ('org_a', 1)`.execute(db)
      // An operator's view over the outbox: SQLite refuses the rename of the copy while a view names the dropped table,
      // so the migration fails after `drop table events` (as a crash there would stop it).
      await sql`create view events_watch as select position from events`.execute(db)

      await assert.rejects(migrateToLatest(db, 'sqlite'), /0010-slim-outbox/)
      const tables = async () =>
        (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like 'events%' order by name`.execute(db)).rows.map((row) => row.name)
      assert.deepEqual(await tables(), ['events'], 'the outbox is still there, and no half-made copy')
      assert.deepEqual((await store.readAllEvents(0, 10)).map((e) => e.id), ['evt_1'])
      const applied = (await sql<{ name: string }>`select name from kysely_migration where name = '0010-slim-outbox'`.execute(db)).rows
      assert.deepEqual(applied, [])

      await sql`drop view events_watch`.execute(db)
      await migrateToLatest(db, 'sqlite')
      assert.deepEqual(await tables(), ['events'])
      assert.deepEqual((await store.readAllEvents(0, 10)).map((e) => e.id), ['evt_1'])
    })
  })
}

if (DIALECTS.includes('sqlite')) {
  describe('migrating an up-to-date database (sqlite)', () => {
    it('only reads: it succeeds while another process holds the write lock (a CLI command while the server writes)', async () => {
      const { db, close } = await openTestDatabaseWithConnection('sqlite')
      const { default: SqliteDatabase } = await import('better-sqlite3')
      const path = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)).rows[0]!.file
      const other = new SqliteDatabase(path)
      other.exec('begin immediate')
      try {
        await assert.doesNotReject(migrateToLatest(db, 'sqlite'))
      } finally {
        other.exec('rollback')
        other.close()
        await close()
      }
    })
  })
}
