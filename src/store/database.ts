import type { ColumnType, Generated } from 'kysely'
import type { ProvisioningLogTable } from './provisioning-log-table.js'

/**
 * Table types for Kysely. Timestamps are ISO-8601 text, booleans integer 0/1 and SCIM documents
 * JSON text in both engines, so rows look the same whichever engine produced them.
 */
export interface Database {
  organizations: OrganizationsTable
  scim_tokens: ScimTokensTable
  users: UsersTable
  user_emails: UserEmailsTable
  groups: GroupsTable
  group_members: GroupMembersTable
  console_login_links: ConsoleLoginLinksTable
  console_sessions: ConsoleSessionsTable
  provisioning_log: ProvisioningLogTable
}

/** Creation order: SQLite rowid alias (number) or PostgreSQL bigserial (pg returns int8 as string). */
export type SeqColumn = ColumnType<number | string, never, never>

export interface OrganizationsTable {
  id: string
  name: string
  role_management: string
  created_at: string
}

export interface ScimTokensTable {
  id: string
  org_id: string
  secret_hash: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface UsersTable {
  id: string
  org_id: string
  seq: SeqColumn
  user_name: string
  /** `textKey(user_name)` (NFC, lower-cased in JS): SQLite's lower() folds ASCII only, so both engines use this. */
  user_name_key: string
  external_id: string | null
  display_name: string | null
  active: number
  role: string
  /** The last role the identity provider sent; null when it never sent one (issue 6). */
  directory_role: string | null
  /** 'scim' | 'manual' | 'sso'; defaults to 'scim' */
  source: Generated<string>
  last_provisioned_at: string | null
  /** What member search matches (member-search-key.ts). */
  search_key: Generated<string>
  document: string
  version: number
  created_at: string
  updated_at: string
}

/** The email index behind `emails[type eq "work"].value eq "x"`; value/type keep the original case. */
export interface UserEmailsTable {
  org_id: string
  user_id: string
  value: string
  value_key: string
  type: string | null
  type_key: string | null
  is_primary: number
  /** Index in the user's emails array, so the list reads back in the order it was written. */
  position: number
}

export interface GroupsTable {
  id: string
  org_id: string
  seq: SeqColumn
  display_name: string
  display_name_key: string
  external_id: string | null
  document: string
  version: number
  created_at: string
  updated_at: string
}

export interface GroupMembersTable {
  org_id: string
  group_id: string
  user_id: string
}

/** One-time console sign-in links (migration 0007); only the SHA-256 of the secret is kept. */
export interface ConsoleLoginLinksTable {
  id: string
  org_id: string
  member_id: string
  secret_hash: string
  created_at: string
  expires_at: string
  used_at: string | null
}

/** Server-side console sessions (migration 0007); ending one deletes its row. */
export interface ConsoleSessionsTable {
  id: string
  org_id: string
  member_id: string
  secret_hash: string
  created_at: string
  expires_at: string
}
