import type { ColumnType } from 'kysely'

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
  saml_connections: SamlConnectionsTable
  saml_connection_domains: SamlConnectionDomainsTable
  saml_requests: SamlRequestsTable
  saml_consumed_assertions: SamlConsumedAssertionsTable
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

export interface SamlConnectionsTable {
  id: string
  org_id: string
  idp_entity_id: string
  idp_sso_url: string
  /** JSON array of PEM certificates. */
  idp_certificates: string
  tenant_id: string | null
  metadata_url: string | null
  metadata_refreshed_at: string | null
  metadata_error: string | null
  allow_idp_initiated: number
  jit_enabled: number
  created_at: string
  updated_at: string
}

export interface SamlConnectionDomainsTable {
  /** Lower-cased email domain, unique across organizations. */
  domain: string
  connection_id: string
  position: number
}

export interface SamlRequestsTable {
  connection_id: string
  request_id: string
  created_at: string
  expires_at: string
}

export interface SamlConsumedAssertionsTable {
  connection_id: string
  assertion_id: string
  expires_at: string
}
