import type { ColumnType, Generated } from 'kysely'
import type { OidcTables } from './oidc-tables.js'
import type { ProvisioningLogTable } from './provisioning-log-table.js'

/**
 * Table types for Kysely. Timestamps are ISO-8601 text, booleans integer 0/1 and SCIM documents
 * JSON text in both engines, so rows look the same whichever engine produced them.
 */
export interface Database extends OidcTables {
  organizations: OrganizationsTable
  scim_tokens: ScimTokensTable
  users: UsersTable
  user_emails: UserEmailsTable
  groups: GroupsTable
  group_members: GroupMembersTable
  console_login_links: ConsoleLoginLinksTable
  console_sessions: ConsoleSessionsTable
  provisioning_log: ProvisioningLogTable
  api_keys: ApiKeysTable
  event_streams: EventStreamsTable
  events: EventsTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_deliveries: WebhookDeliveriesTable
  saml_connections: SamlConnectionsTable
  saml_connection_domains: SamlConnectionDomainsTable
  saml_requests: SamlRequestsTable
  saml_consumed_assertions: SamlConsumedAssertionsTable
  user_tombstones: UserTombstonesTable
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

/** A deleted member's identifiers (migration 0009): what blocks just-in-time re-creation at SSO sign-in. */
export interface UserTombstonesTable {
  org_id: string
  user_id: string
  /** 'userName' (key: textKey), 'externalId' (as stored, case-exact), 'email' (key: textKey) */
  kind: string
  key: string
  deleted_at: string
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

/** Bigint columns: pg returns int8 as a string, SQLite a number; repositories convert with Number(). */
export type BigintColumn = ColumnType<number | string, number, number>

export interface ApiKeysTable {
  id: string
  /** null: a platform key. */
  org_id: string | null
  secret_hash: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface EventStreamsTable {
  /** An organization id, or '*' for the platform-wide position. */
  stream: string
  last_seq: BigintColumn
  pruned_seq: ColumnType<number | string, number | undefined, number>
}

export interface EventsTable {
  position: BigintColumn
  id: string
  org_id: string
  seq: BigintColumn
  type: string
  time: string
  data: string
}

export interface WebhookEndpointsTable {
  id: string
  org_id: string | null
  url: string
  /** JSON array of event types, or null for every type. */
  event_types: string | null
  secret: string
  previous_secret: string | null
  previous_secret_expires_at: string | null
  status: string
  /** Position of the last event this endpoint is done with (delivered or filtered out). */
  cursor: BigintColumn
  next_attempt_at: string | null
  lease_until: string | null
  created_at: string
  updated_at: string
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

export interface WebhookDeliveriesTable {
  id: string
  endpoint_id: string
  event_id: string
  event_position: BigintColumn
  event_type: string
  status: string
  replay: ColumnType<number, number | undefined, number>
  attempts: number
  last_response_code: number | null
  last_error: string | null
  next_attempt_at: string | null
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
