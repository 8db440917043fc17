import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'

/**
 * The outbox with fewer indexes (issue #11: the write path). Every SCIM write appends an event in its own transaction,
 * and each index of `events` is one more page that transaction dirties and writes: measured on SQLite, the outbox
 * with its five indexes cost a PATCH ~90 µs, most of the write. What the readers need is kept:
 *   - `position` is the SQLite rowid (INTEGER PRIMARY KEY) instead of a second B-tree beside the row's;
 *   - (org_id, seq) serves the organization's feed, (org_id, position) webhook endpoints of one organization;
 *   - the unique index on `id` goes: ids carry 70 random bits after their creation time, and a replay finds its event by position (its
 *     delivery row has it), checking the id;
 *   - the `time` index goes: retention walks the outbox in position order to the first event it keeps.
 */
export function slimOutbox(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine === 'sqlite') {
        await sql`create table events_slim (
          position integer primary key, id text not null, org_id text not null, seq bigint not null,
          type text not null, time text not null, data text not null)`.execute(db)
        await sql`insert into events_slim (position, id, org_id, seq, type, time, data)
          select position, id, org_id, seq, type, time, data from events order by position`.execute(db)
        await sql`drop table events`.execute(db)
        await sql`alter table events_slim rename to events`.execute(db)
        await sql`create unique index events_org_seq on events (org_id, seq)`.execute(db)
        await sql`create index events_org_position on events (org_id, position)`.execute(db)
        return
      }
      await sql`drop index if exists events_time`.execute(db)
      await sql`alter table events drop constraint if exists events_id_key`.execute(db)
      // After a down(): the same name as a plain index.
      await sql`drop index if exists events_id_key`.execute(db)
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await sql`create index events_time on events (time)`.execute(db)
      await sql`create unique index events_id_key on events (id)`.execute(db)
    },
  }
}
