import { sql, type Insertable, type Selectable } from 'kysely'
import type { PendingEvent, RosterEvent, EventType } from '../events/types.js'
import { chunk } from './batching.js'
import type { EventsTable } from './database.js'
import { isStorableText } from './db-errors.js'
import { preparedQuery } from './prepared-query.js'
import type { RepoContext } from './repo-context.js'

/**
 * Bumps the platform's counter and the organization's by `count` in one statement and returns both new values. The
 * rows are upserted in the order given, platform first, so their row locks (PostgreSQL) are always taken in that
 * order; they last until commit.
 */
const bumpStreams = preparedQuery<{ platform: string; org: string; count: number }, { stream: string; last_seq: number | string }>((db, p) =>
  db
    .insertInto('event_streams')
    .values([
      { stream: p.platform, last_seq: p.count },
      { stream: p.org, last_seq: p.count },
    ])
    .onConflict((conflict) => conflict.column('stream').doUpdateSet({ last_seq: sql`event_streams.last_seq + ${p.count}` }))
    .returning(['stream', 'last_seq']),
)

const insertEvent = preparedQuery<Insertable<EventsTable>, never>((db, p) =>
  db.insertInto('events').values({ position: p.position, id: p.id, org_id: p.org_id, seq: p.seq, type: p.type, time: p.time, data: p.data }),
)

/** The platform-wide stream's row in event_streams. */
export const PLATFORM_STREAM = '*'

/**
 * The outbox. Appending bumps two counters with an upsert, the platform's first and the organization's second
 * (always in that order): the row locks they take (PostgreSQL) or the single write lock (SQLite) last until commit,
 * so positions and sequences are handed out in commit order and readers never skip an event that commits late.
 */
export function eventsRepo(context: RepoContext) {
  const { db } = context

  /** New last values of the platform's and the organization's counters. */
  const bump = async (orgId: string, count: number): Promise<{ lastPosition: number; lastSeq: number }> => {
    const rows = await bumpStreams.rows(context, { platform: PLATFORM_STREAM, org: orgId, count })
    const lastOf = (stream: string): number => Number(rows.find((row) => row.stream === stream)!.last_seq)
    return { lastPosition: lastOf(PLATFORM_STREAM), lastSeq: lastOf(orgId) }
  }

  /**
   * PostgreSQL: the counters' bump and the insert in one statement (a data-modifying CTE), one round trip fewer for
   * every write. The upsert takes the platform row's lock first, as `bump` does. Nothing is read back: the append is
   * the transaction's last statement, so PostgreSQL receives it with the COMMIT (dialect.lastInTransaction), and the
   * counters' locks are held for one round trip less.
   */
  const appendOneInOneStatement = async (orgId: string, event: PendingEvent): Promise<void> => {
    const compiled = sql`
      with counters as (
        insert into event_streams (stream, last_seq) values (${PLATFORM_STREAM}, 1), (${orgId}, 1)
        on conflict (stream) do update set last_seq = event_streams.last_seq + 1
        returning stream, last_seq)
      insert into events (position, id, org_id, seq, type, time, data)
      select platform.last_seq, ${event.id}, ${orgId}, org.last_seq, ${event.type}, ${event.time}, ${JSON.stringify(event.data)}
      from counters platform, counters org
      where platform.stream = ${PLATFORM_STREAM} and org.stream = ${orgId}`.compile(db)
    context.dialect.hotStatement?.(compiled.sql)
    context.dialect.lastInTransaction?.(compiled.sql)
    await db.executeQuery(compiled)
  }

  return {
    async appendEvents(orgId: string, events: readonly PendingEvent[]): Promise<void> {
      if (!events.length) return
      if (!context.inTransaction) throw new Error('appendEvents() must run in the transaction of the change it records')
      if (events.length === 1 && context.dialect.engine === 'postgres') return appendOneInOneStatement(orgId, events[0]!)
      const { lastPosition, lastSeq } = await bump(orgId, events.length)
      const stored = events.map((event, i) => ({
        ...event,
        organization: orgId,
        position: lastPosition - events.length + 1 + i,
        sequence: lastSeq - events.length + 1 + i,
      }))
      if (stored.length === 1) {
        // Nearly every change appends one event: a statement compiled once (see prepared-query.ts).
        const e = stored[0]!
        await insertEvent.run(context, { position: e.position, id: e.id, org_id: orgId, seq: e.sequence, type: e.type, time: e.time, data: JSON.stringify(e.data) })
        return
      }
      for (const rows of chunk(stored, 200)) {
        await db
          .insertInto('events')
          .values(rows.map((e) => ({ position: e.position, id: e.id, org_id: orgId, seq: e.sequence, type: e.type, time: e.time, data: JSON.stringify(e.data) })))
          .execute()
      }
    },

    async readOrgEvents(orgId: string, afterSeq: number, limit: number): Promise<RosterEvent[]> {
      if (!isStorableText(orgId)) return []
      const rows = await db.selectFrom('events').selectAll().where('org_id', '=', orgId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()
      return rows.map(fromEventRow)
    },

    async readAllEvents(afterPosition: number, limit: number): Promise<RosterEvent[]> {
      const rows = await db.selectFrom('events').selectAll().where('position', '>', afterPosition).orderBy('position').limit(limit).execute()
      return rows.map(fromEventRow)
    },

    async readEventsForEndpoint(scope: string | null, afterPosition: number, limit: number): Promise<RosterEvent[]> {
      let query = db.selectFrom('events').selectAll().where('position', '>', afterPosition)
      if (scope !== null) query = query.where('org_id', '=', scope)
      return (await query.orderBy('position').limit(limit).execute()).map(fromEventRow)
    },

    async findEvent(position: number, id: string): Promise<RosterEvent | undefined> {
      if (!isStorableText(id)) return undefined
      const row = await db.selectFrom('events').selectAll().where('position', '=', position).where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : fromEventRow(row)
    },

    async prunedThrough(stream: string): Promise<number> {
      if (!isStorableText(stream)) return 0
      const row = await db.selectFrom('event_streams').select('pruned_seq').where('stream', '=', stream).executeTakeFirst()
      return row === undefined ? 0 : Number(row.pruned_seq)
    },

    async headPosition(): Promise<number> {
      const row = await db.selectFrom('event_streams').select('last_seq').where('stream', '=', PLATFORM_STREAM).executeTakeFirst()
      return row === undefined ? 0 : Number(row.last_seq)
    },

    async pruneEvents(before: string, maxEvents: number): Promise<number> {
      // Delete a prefix by position: within an organization, position and sequence grow together, so every stream
      // loses a prefix too, and its pruned_seq says exactly through where.
      const run = async (tx: RepoContext['db']): Promise<number> => {
        // The prefix ends before the first event that must be kept, so no kept event is ever deleted, even when
        // clocks of several instances disagree a little about time.
        const first = await tx.selectFrom('events').select('position').orderBy('position').limit(1).executeTakeFirst()
        if (!first) return 0
        // In position order to the first event young enough to keep (no index on time: migration 0010): this reads the
        // events about to be deleted, and one more.
        const kept = await tx.selectFrom('events').select('position').where('time', '>=', before).orderBy('position').limit(1).executeTakeFirst()
        const last = await tx.selectFrom('events').select((eb) => eb.fn.max('position').as('position')).executeTakeFirst()
        const end = kept === undefined ? Number(last!.position) : Number(kept.position) - 1
        const cut = Math.min(end, Number(first.position) + maxEvents - 1)
        if (cut < Number(first.position)) return 0
        const perOrg = await tx
          .selectFrom('events')
          .select(['org_id', (eb) => eb.fn.max('seq').as('seq')])
          .where('position', '<=', cut)
          .groupBy('org_id')
          .execute()
        // The platform row first, then organizations: the order appenders lock them in, so the two cannot deadlock.
        for (const row of [{ stream: PLATFORM_STREAM, seq: cut }, ...perOrg.map((r) => ({ stream: r.org_id, seq: Number(r.seq) }))]) {
          await tx.updateTable('event_streams').set({ pruned_seq: row.seq }).where('stream', '=', row.stream).execute()
        }
        // Deliveries of deleted events go too, so the deliveries table stays as bounded as the outbox.
        await tx.deleteFrom('webhook_deliveries').where('event_position', '<=', cut).execute()
        const result = await tx.deleteFrom('events').where('position', '<=', cut).executeTakeFirst()
        return Number(result.numDeletedRows)
      }
      return context.inTransaction ? run(db) : db.transaction().execute(run)
    },
  }
}

export function fromEventRow(row: Selectable<EventsTable>): RosterEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    organization: row.org_id,
    sequence: Number(row.seq),
    position: Number(row.position),
    time: row.time,
    data: JSON.parse(row.data) as unknown,
  }
}
