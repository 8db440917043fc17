import type { UsersTable } from './database.js'

/**
 * The columns a user is read with, named rather than `*`: PostgreSQL prepares the hot statements once per connection
 * (postgres/named-statements.ts) and refuses to run one whose result columns changed, so a column that a later
 * migration adds (another instance upgrading first) must not change what these statements return.
 */
export const USER_COLUMNS = [
  'id', 'org_id', 'seq', 'user_name', 'user_name_key', 'external_id', 'display_name', 'active', 'role', 'directory_role', 'source',
  'last_provisioned_at', 'search_key', 'document', 'version', 'created_at', 'updated_at',
] as const satisfies readonly (keyof UsersTable)[]
