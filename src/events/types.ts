/**
 * The event types Roster emits. Group events are wired; member.* and organization.settings_changed are emitted by
 * the members work (issue 6/7 wiring) through the same `appendEvents`.
 */
export const EVENT_TYPES = [
  'member.created',
  'member.updated',
  'member.role_changed',
  'member.deactivated',
  'member.reactivated',
  'member.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.members_added',
  'group.members_removed',
  'organization.settings_changed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** What a domain change hands the outbox: the type and the resource as it is after the change. */
export interface NewEvent {
  type: EventType
  data: unknown
}

/** An event as stored and served (feed and webhooks). */
export interface RosterEvent {
  id: string
  type: EventType
  organization: string
  /** Per organization, starting at 1, gap-free, in commit order. */
  sequence: number
  /** Platform-wide, in commit order (the platform feed's and the webhooks' order). */
  position: number
  time: string
  data: unknown
}

/** A row to insert; the store allocates `sequence` and `position`. */
export type PendingEvent = Omit<RosterEvent, 'sequence' | 'position'>
