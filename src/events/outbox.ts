import type { Clock } from '../lib/clock.js'
import { isoNow } from '../lib/iso-time.js'
import { newId } from '../lib/ids.js'
import type { NewEvent, PendingEvent } from './types.js'

/** The one store capability a domain needs to emit events. Every Store (and every transaction store) has it. */
export interface OutboxStore {
  /**
   * Inserts events in the caller's transaction (throws outside one), allocating each a per-organization sequence
   * and a platform-wide position. Allocation locks the counters until commit, so sequences follow commit order
   * and a reader never sees a later event before an earlier one. Nothing is returned: readers find the events
   * once the transaction commits, and PostgreSQL need not answer the append before the COMMIT.
   */
  appendEvents(orgId: string, events: readonly PendingEvent[]): Promise<void>
}

/**
 * Appends events to the outbox IN THE TRANSACTION OF THE CHANGE: pass the transaction's store (`tx`), so a rolled-back
 * change emits nothing and a committed one is never lost. Call it once per transaction, after the change's own
 * writes: the counters it locks must be the last locks the transaction takes (no deadlocks on PostgreSQL).
 *
 *   await store.transaction(async (tx) => {
 *     await tx.updateUser(next, current)
 *     await appendEvents(tx, clock, orgId, [{ type: 'member.updated', data: memberResource(next) }])
 *   })
 */
export async function appendEvents(tx: OutboxStore, clock: Clock, orgId: string, events: readonly NewEvent[]): Promise<void> {
  if (!events.length) return
  const time = isoNow(clock)
  return tx.appendEvents(
    orgId,
    events.map((event) => ({ id: newId('evt'), type: event.type, organization: orgId, time, data: event.data })),
  )
}

/** Large lists (a group's added members) are split so that no event carries more than this many ids. */
export const MAX_IDS_PER_EVENT = 100

/** Splits `ids` into bounded slices, one event each. */
export function boundedSlices<T>(ids: readonly T[], size: number = MAX_IDS_PER_EVENT): T[][] {
  const slices: T[][] = []
  for (let start = 0; start < ids.length; start += size) slices.push(ids.slice(start, start + size))
  return slices
}
