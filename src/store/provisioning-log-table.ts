import type { SeqColumn } from './database.js'

/** One provisioning-log row (migration 0003). JSON columns are text in both engines. */
export interface ProvisioningLogTable {
  seq: SeqColumn
  id: string
  org_id: string
  /** ISO-8601 UTC, so text order is time order. */
  at: string
  request_id: string
  token_id: string | null
  client: string | null
  method: string
  path: string
  resource_type: string | null
  resource_id: string | null
  user_name: string | null
  /** textKey(user_name), for exact case-insensitive lookups. */
  name_key: string | null
  status: number
  outcome: string
  scim_type: string | null
  detail: string | null
  duration_ms: number
  operation: string | null
  notes: string
  changes: string
  membership: string | null
  /** Lower-cased userName, ids, path, detail, scimType, client and notes: the `text` filter's haystack. */
  search_text: string
}
