import type { Clock } from '../lib/clock.js'
import type { EventStore } from './store.js'
import type { RosterEvent } from './types.js'

/** A feed cursor that points before events retention has already deleted: the consumer missed some (API: 410). */
export class FeedCursorExpired extends Error {
  constructor(retentionDays: number) {
    super(
      `Events after this cursor are older than the retention period (${retentionDays} days, EVENT_RETENTION_DAYS) and were deleted, so the feed cannot continue without a gap. Resynchronize from the API's lists, then read the feed again without "after".`,
    )
    this.name = 'FeedCursorExpired'
  }
}

/** The platform-wide stream's name in prunedThrough(). */
const PLATFORM_STREAM = '*'

/**
 * The event feed. An organization's feed is ordered by its sequence, the platform feed by position; both are
 * assigned in commit order (outbox.ts), so a consumer that stores the position it reached sees every event exactly
 * once, in order, whichever side restarts.
 */
export class EventFeed {
  readonly #store: EventStore
  readonly #retentionDays: number

  constructor(store: EventStore, options: { retentionDays: number }) {
    this.#store = store
    this.#retentionDays = options.retentionDays
  }

  /** Events of one organization after sequence `afterSeq` (undefined: from the oldest kept). */
  async organization(orgId: string, afterSeq: number | undefined, limit: number): Promise<RosterEvent[]> {
    if (afterSeq !== undefined && afterSeq < (await this.#store.prunedThrough(orgId))) throw new FeedCursorExpired(this.#retentionDays)
    return this.#store.readOrgEvents(orgId, afterSeq ?? 0, limit)
  }

  /** Every organization's events after position `afterPosition`. */
  async platform(afterPosition: number | undefined, limit: number): Promise<RosterEvent[]> {
    if (afterPosition !== undefined && afterPosition < (await this.#store.prunedThrough(PLATFORM_STREAM))) throw new FeedCursorExpired(this.#retentionDays)
    return this.#store.readAllEvents(afterPosition ?? 0, limit)
  }
}

/** Most events one retention pass deletes, so that a pass is a bounded transaction. */
const PRUNE_BATCH = 5_000

/** Deletes events older than the retention period, a bounded batch per call; returns how many it deleted. */
export function pruneExpiredEvents(store: EventStore, clock: Clock, retentionDays: number): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - retentionDays * 86_400_000).toISOString()
  return store.pruneEvents(cutoff, PRUNE_BATCH)
}

/** An event as the API and webhooks show it. */
export const eventJson = (event: RosterEvent) => ({
  object: 'event' as const,
  id: event.id,
  type: event.type,
  organization: event.organization,
  sequence: event.sequence,
  time: event.time,
  data: event.data,
})
