import type { FilterNode } from '../scim/filter/ast.js'

/** Roster's roles, most privileged first. */
export const ROLES = ['ADMIN', 'SCHEDULER', 'INTERVIEWER'] as const
export type Role = (typeof ROLES)[number]

/** Where a member came from: SCIM provisioning, an admin (CLI, later API/console), later SSO just-in-time. */
export const MEMBER_SOURCES = ['scim', 'manual', 'sso'] as const
export type MemberSource = (typeof MEMBER_SOURCES)[number]

/**
 * A SCIM resource as stored: canonical attribute names, extension objects under their schema
 * URN keys, `schemas` included; no `id`, `meta` or read-only `groups` (those are derived).
 */
export type ScimDocument = Record<string, unknown>

/** A provisioned user: the indexed fields the store queries by, plus the SCIM document. */
export interface DirectoryUser {
  id: string
  orgId: string
  userName: string
  externalId: string | null
  displayName: string | null
  active: boolean
  /** The effective role: what the product enforces. */
  role: Role
  /** The last role the identity provider sent (SCIM), or null when it never sent one. */
  directoryRole: Role | null
  /** Who created the member; the first SCIM write to a manual member makes it `scim` (takeover). */
  source: MemberSource
  /** When the last SCIM write (create, PUT, PATCH that changed something) touched the member; null if never. */
  lastProvisionedAt: string | null
  /** Email addresses, for the email index (`emails[type eq "work"].value eq ...`). */
  emails: UserEmail[]
  document: ScimDocument
  /** Incremented on every write; the SCIM ETag. */
  version: number
  createdAt: string
  updatedAt: string
}

export interface UserEmail {
  value: string
  type: string | null
  primary: boolean
}

export interface DirectoryGroup {
  id: string
  orgId: string
  displayName: string
  externalId: string | null
  document: ScimDocument
  version: number
  createdAt: string
  updatedAt: string
}

/** A group member as SCIM shows it (`members[].value`, `display`). */
export interface GroupMember {
  userId: string
  display: string | null
}

/** A user's group, for the user's read-only `groups` attribute. */
export interface UserGroupRef {
  groupId: string
  displayName: string
}

/** A page of a filtered list. `startIndex` is 1-based as in RFC 7644 §3.4.2.4. */
export interface ListQuery {
  filter?: FilterNode
  startIndex: number
  count: number
}

export interface ListPage<T> {
  totalResults: number
  items: T[]
}

/**
 * A member the directory deleted, as its tombstone keeps it: the identifiers a later SSO sign-in could present.
 * Written in the delete's transaction; blocks just-in-time re-creation (issue 9 §4) while retention keeps it.
 */
export interface UserTombstone {
  orgId: string
  userId: string
  userName: string
  externalId: string | null
  emails: string[]
  deletedAt: string
}

/** The identifiers of a sign-in to look up among tombstones (any one that matches is a hit). */
export interface TombstoneKeys {
  userNames: string[]
  externalIds: string[]
  emails: string[]
}

export interface TombstoneMatch {
  userId: string
  deletedAt: string
  matchedBy: 'userName' | 'externalId' | 'email'
}
