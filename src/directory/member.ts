import type { DirectoryUser, MemberSource, Role } from './types.js'

/** `active` as the product speaks of it: SCIM `active: false` deactivates a member at once; `true` reactivates. */
export type MemberStatus = 'active' | 'deactivated'
export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'deactivated']

/**
 * A member of an organization: every user of the organization, whoever created it. This is the read model the CLI,
 * the API (`/api/v1/organizations/{orgId}/members`), the console and SSO share; SCIM keeps its own representation of
 * the same row (src/http/scim/representation.ts).
 */
export interface Member {
  id: string
  orgId: string
  userName: string
  displayName: string | null
  /** The primary email, else the work email, else the first one; null when the member has none. */
  email: string | null
  /** The effective role: what the product enforces. */
  role: Role
  /** The last role the identity provider sent, or null. In `scim` mode it equals `role` whenever it is set. */
  directoryRole: Role | null
  status: MemberStatus
  source: MemberSource
  createdAt: string
  updatedAt: string
  /** The last SCIM write that changed the member; null for a manual member SCIM never touched. */
  lastProvisionedAt: string | null
  /** Incremented on every write (also the SCIM ETag). */
  version: number
}

export const statusOf = (active: boolean): MemberStatus => (active ? 'active' : 'deactivated')

export function memberOf(user: DirectoryUser): Member {
  const email = user.emails.find((e) => e.primary) ?? user.emails.find((e) => e.type === 'work') ?? user.emails[0]
  return {
    id: user.id,
    orgId: user.orgId,
    userName: user.userName,
    displayName: user.displayName,
    email: email?.value ?? null,
    role: user.role,
    directoryRole: user.directoryRole,
    status: statusOf(user.active),
    source: user.source,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastProvisionedAt: user.lastProvisionedAt,
    version: user.version,
  }
}
