import type { OutboxStore } from './outbox.js'
import type { RosterEvent } from './types.js'
import type { WebhookStore } from './webhooks/store.js'

/** What the event feed and retention need from persistence. Implemented by `src/store/`. */
export interface EventStore extends OutboxStore, WebhookStore {
  /** An organization's events after sequence `afterSeq`, in sequence order. */
  readOrgEvents(orgId: string, afterSeq: number, limit: number): Promise<RosterEvent[]>
  /** Every organization's events after `afterPosition`, in position order. */
  readAllEvents(afterPosition: number, limit: number): Promise<RosterEvent[]>
  /** Through which sequence (or position, for stream '*') retention has deleted events: 0 when none. */
  prunedThrough(stream: string): Promise<number>
  /** The latest allocated position (0 before the first event): where a new webhook endpoint starts. */
  headPosition(): Promise<number>
  /**
   * Deletes the oldest events whose time is before `before`, at most `maxEvents`, as a prefix of every stream, and
   * records per stream what was deleted; returns how many were deleted.
   */
  pruneEvents(before: string, maxEvents: number): Promise<number>
}
