import type { Member } from './member.js'
import type { MemberSource, Role } from './types.js'

/**
 * A member as the host product sees it (the API and event payloads): the same fields in both places, so an event's
 * `data` is exactly what a GET returns after the change.
 */
export interface MemberResource {
  object: 'member'
  id: string
  organization: string
  userName: string
  displayName: string | null
  email: string | null
  role: Role
  directoryRole: Role | null
  status: 'active' | 'deactivated'
  source: MemberSource
  createdAt: string
  updatedAt: string
  lastProvisionedAt: string | null
}

export const memberResource = (member: Member): MemberResource => ({
  object: 'member',
  id: member.id,
  organization: member.orgId,
  userName: member.userName,
  displayName: member.displayName,
  email: member.email,
  role: member.role,
  directoryRole: member.directoryRole,
  status: member.status,
  source: member.source,
  createdAt: member.createdAt,
  updatedAt: member.updatedAt,
  lastProvisionedAt: member.lastProvisionedAt,
})

/** The member fields a `member.updated` names as changed (bookkeeping fields left out). */
const COMPARED_FIELDS = ['userName', 'displayName', 'email', 'role', 'directoryRole', 'status', 'source'] as const

export function changedMemberFields(before: Member, after: Member): string[] {
  return COMPARED_FIELDS.filter((field) => before[field] !== after[field])
}
