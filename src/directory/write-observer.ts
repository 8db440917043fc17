import type { MembershipChange } from './group-member-changes.js'
import type { MemberStatus } from './member.js'
import type { MemberSource, Role, ScimDocument } from './types.js'

/** A SCIM resource kind as the provisioning log and metrics name it. */
export type ResourceType = 'User' | 'Group'

/**
 * One committed write, reported after its transaction: what the provisioning log records as "what changed".
 * `before` is null for a create, `after` null for a delete. Group membership changes are listed separately because
 * membership never lives in the group's document.
 */
export interface ResourceChange {
  resourceType: ResourceType
  resourceId: string
  /** userName of a user, displayName of a group (after the change; before it for a delete). */
  name: string | null
  before: ScimDocument | null
  after: ScimDocument | null
  membership?: MembershipChange[]
  /**
   * Users only: the member's fields that live beside the document (the effective role is not in the document in
   * `platform` mode, and the source changes when SCIM takes a manual member over). Null before a create, after a delete.
   */
  member?: { before: MemberState | null; after: MemberState | null }
}

/** A member's role and lifecycle, as the provisioning log shows before → after. */
export interface MemberState {
  role: Role
  directoryRole: Role | null
  status: MemberStatus
  source: MemberSource
}

/**
 * Told, per request, what a domain write did: the provisioning log's collector implements it (the SCIM surface hands
 * one to every write). Calls happen after commit, so a rolled-back write reports nothing. Implementations must not
 * throw: observing never fails a write.
 */
export interface WriteObserver {
  /** Input that was accepted but not stored (unknown attributes, role clears). */
  ignored(notes: string[]): void
  changed(change: ResourceChange): void
}
