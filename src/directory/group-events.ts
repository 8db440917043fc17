import { boundedSlices } from '../events/outbox.js'
import type { NewEvent } from '../events/types.js'
import { groupResource } from './group-resource.js'
import type { MembershipDelta } from './group-membership-writes.js'
import type { DirectoryGroup } from './types.js'

/**
 * The events of a group write, each carrying the group as it is after the change. Membership changes list member
 * ids, at most MAX_IDS_PER_EVENT per event: a 10,000-member batch becomes 100 events, each small enough to deliver.
 */
export function groupWriteEvents(kind: 'created' | 'updated' | 'unchanged', group: DirectoryGroup, delta: MembershipDelta): NewEvent[] {
  const resource = groupResource(group)
  const events: NewEvent[] = []
  if (kind === 'created') events.push({ type: 'group.created', data: resource })
  if (kind === 'updated') events.push({ type: 'group.updated', data: resource })
  for (const memberIds of boundedSlices(delta.added)) events.push({ type: 'group.members_added', data: { group: resource, memberIds } })
  for (const memberIds of boundedSlices(delta.removed)) events.push({ type: 'group.members_removed', data: { group: resource, memberIds } })
  return events
}

export const groupDeletedEvent = (group: DirectoryGroup): NewEvent => ({ type: 'group.deleted', data: groupResource(group) })
