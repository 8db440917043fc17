import type { RoleManagement } from '../orgs/types.js'
import { memberOf, type Member } from './member.js'
import type { DirectoryStore } from './store.js'
import type { DirectoryUser } from './types.js'

/** Who made a change: the outbox and the audit trail record it. SCIM writes are `scim` (the token is in the log). */
export interface Actor {
  kind: 'scim' | 'cli' | 'api' | 'console' | 'sso' | 'system'
  /** The API key, console user or token id when the surface knows it. */
  id: string | null
}

export const SCIM_ACTOR: Actor = { kind: 'scim', id: null }
export const CLI_ACTOR: Actor = { kind: 'cli', id: null }

export type MemberChangeType =
  | 'member.created'
  | 'member.updated'
  | 'member.deactivated'
  | 'member.reactivated'
  | 'member.role_changed'
  | 'member.deleted'

/** One consequence of a committed member write; `member` is the member as it is after the change (before, for a delete). */
export interface MemberChange {
  type: MemberChangeType
  orgId: string
  member: Member
  previous: Member | null
  actor: Actor
}

export interface RoleManagementChange {
  type: 'organization.role_management_changed'
  orgId: string
  from: RoleManagement
  to: RoleManagement
  /** Members whose role the switch changed (each also reported as a `member.role_changed`). */
  membersChanged: number
  actor: Actor
}

export type DirectoryChange = MemberChange | RoleManagementChange

/**
 * Called INSIDE the transaction of every member-changing operation, with the transaction's store, as its last step:
 * the place where the events outbox appends (`onMemberChange: (tx, changes) => outbox.append(tx, ...)`), so a change
 * and its events commit together. Throwing rolls the change back. Optional: without it nothing is recorded.
 */
export type DirectoryChangeHook = (tx: DirectoryStore, changes: readonly DirectoryChange[]) => Promise<void>

/** The one step every member transaction ends with. */
export async function recordChanges(tx: DirectoryStore, hook: DirectoryChangeHook | undefined, changes: readonly DirectoryChange[]): Promise<void> {
  if (hook && changes.length) await hook(tx, changes)
}

/**
 * The changes one write of a user makes: created / deleted, else deactivated or reactivated and role_changed when
 * those moved, else updated. `member` always carries the whole member, so subscribers see every other field.
 */
export function memberChangesOf(orgId: string, before: DirectoryUser | null, after: DirectoryUser | null, actor: Actor): MemberChange[] {
  if (before === null && after === null) return []
  const previous = before && memberOf(before)
  const current = after && memberOf(after)
  if (current === null) return [{ type: 'member.deleted', orgId, member: previous!, previous, actor }]
  if (previous === null) return [{ type: 'member.created', orgId, member: current, previous, actor }]
  const types: MemberChangeType[] = []
  if (previous.status !== current.status) types.push(current.status === 'active' ? 'member.reactivated' : 'member.deactivated')
  if (previous.role !== current.role) types.push('member.role_changed')
  if (!types.length) types.push('member.updated')
  return types.map((type) => ({ type, orgId, member: current, previous, actor }))
}
