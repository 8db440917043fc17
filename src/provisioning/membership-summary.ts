import type { MembershipChange } from '../directory/group-member-changes.js'
import type { MembershipSummary } from './types.js'

/** Most member ids listed per direction; the counts stay exact (a 10,000-member PATCH must not make a 10,000-id row). */
export const MAX_MEMBER_IDS = 100

/** A group request's membership changes, as requested (adding a present member is listed too), bounded in size. */
export function summarizeMembership(changes: readonly MembershipChange[] | undefined): MembershipSummary | null {
  if (!changes || changes.length === 0) return null
  const summary: MembershipSummary = { added: [], removed: [], addedCount: 0, removedCount: 0, removedAll: false }
  const take = (into: string[], ids: readonly string[]) => {
    for (const id of ids) {
      if (into.length >= MAX_MEMBER_IDS) break
      into.push(id)
    }
  }
  for (const change of changes) {
    if (change.kind === 'removeAll' || change.kind === 'replace') summary.removedAll = true
    if (change.kind === 'add' || change.kind === 'replace') {
      take(summary.added, change.userIds)
      summary.addedCount += change.userIds.length
    }
    if (change.kind === 'remove') {
      take(summary.removed, change.userIds)
      summary.removedCount += change.userIds.length
    }
  }
  return summary
}
