import type { ResourceChange } from '../directory/write-observer.js'
import type { ScimDocument } from '../directory/types.js'
import type { AttributeChange, LogOperation, MembershipSummary } from './types.js'

/** A user without `active` is active (Roster creates users active, and a PUT without it keeps the state). */
const isActive = (document: ScimDocument | null): boolean => document?.active !== false

/**
 * The one operation an entry is filed under, from the request's committed change: create and delete first, then a
 * user's `active` flipping (deactivate / reactivate, whatever else the same request changed), then a group's
 * membership, then any other change (update). Null when nothing changed (reads, failures, writes that were no-ops).
 */
export function operationOf(change: ResourceChange | undefined, attributes: readonly AttributeChange[], membership: MembershipSummary | null): LogOperation | null {
  if (!change) return null
  if (change.before === null) return 'create'
  if (change.after === null) return 'delete'
  if (change.resourceType === 'User') {
    const was = isActive(change.before)
    const is = isActive(change.after)
    if (was && !is) return 'deactivate'
    if (!was && is) return 'reactivate'
  }
  if (membership && (membership.addedCount > 0 || membership.removedCount > 0 || membership.removedAll)) return 'group_membership'
  return attributes.length > 0 ? 'update' : null
}
