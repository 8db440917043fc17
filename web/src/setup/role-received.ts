/** The role Roster gives a member created without one (kept in step with src/directory). */
const DEFAULT_ROLE = 'INTERVIEWER'

interface LoggedChanges {
  changes: readonly { attribute: string; before: unknown; after: unknown }[]
}

/**
 * Whether a provisioning-log entry shows a role that came from the identity provider. A create lists every attribute
 * it set, including the INTERVIEWER that Roster gives a user whose request carried no role; counting that would tick
 * "First role received" while the role mapping is still broken, which is what the checklist is there to catch. So a
 * role counts when it changed an existing member's role, or when a create set one other than the default. (A create
 * that really sent INTERVIEWER looks the same as none; the tick then waits for the first other role or change.)
 */
export function showsRoleFromDirectory(entry: LoggedChanges): boolean {
  return entry.changes.some((change) => /role/i.test(change.attribute) && (change.before !== null || change.after !== DEFAULT_ROLE))
}
