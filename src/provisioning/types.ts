import type { ResourceType } from '../directory/write-observer.js'

/** What a request did, as the log names it. One per entry; see `operationOf` for how a request's writes map to it. */
export const LOG_OPERATIONS = ['create', 'update', 'deactivate', 'reactivate', 'delete', 'group_membership'] as const
export type LogOperation = (typeof LOG_OPERATIONS)[number]

export const LOG_OUTCOMES = ['success', 'failure'] as const
/** `failure` is every status ≥ 400 (client errors included: they are what an admin comes to the log for). */
export type LogOutcome = (typeof LOG_OUTCOMES)[number]

/** One attribute of a SCIM document, before → after (null: absent). Paths are `name.givenName`, `urn:…:User:manager`. */
export interface AttributeChange {
  attribute: string
  before: unknown
  after: unknown
}

/** A group's membership change as requested, with the ids bounded (the counts are exact). */
export interface MembershipSummary {
  added: string[]
  removed: string[]
  addedCount: number
  removedCount: number
  /** `replace` of members, PUT, or `remove` of `members` without a value: every earlier member was removed first. */
  removedAll: boolean
}

/** One SCIM request as the provisioning log records it. Never holds a token or a secret attribute's value. */
export interface ProvisioningLogEntry {
  /** `log_…`, unique. */
  id: string
  orgId: string
  /** When the request arrived, ISO-8601 UTC. */
  time: string
  requestId: string
  /** The SCIM token's id (`tok_…`), never the token. */
  tokenId: string | null
  /** User-Agent, truncated. */
  client: string | null
  method: string
  /** Path and query under the Tenant URL, truncated. */
  path: string
  resourceType: ResourceType | null
  resourceId: string | null
  /** userName of a user, displayName of a group. */
  userName: string | null
  status: number
  outcome: LogOutcome
  scimType: string | null
  detail: string | null
  durationMs: number
  operation: LogOperation | null
  /** Input that was accepted but not stored. */
  notes: string[]
  /** What changed, attribute by attribute; a create lists what it set; empty for reads, failures and deletes. */
  changes: AttributeChange[]
  membership: MembershipSummary | null
}

/** Query filters; all optional and combined with AND. */
export interface LogFilters {
  /** Inclusive lower bound, ISO-8601. */
  since?: string
  /** Exclusive upper bound, ISO-8601. */
  until?: string
  /** A resource id, or a userName / group displayName (case-insensitive, exact). */
  resource?: string
  outcome?: LogOutcome
  operation?: LogOperation
  /** Case-insensitive substring of userName, resource id, path, detail, scimType, client, notes. */
  text?: string
}

export interface LogPageRequest {
  /** 1 to 1000; default 50. */
  limit?: number
  /** The `next` of the previous page. */
  after?: string | null
}

/** Newest first. `next` is an opaque cursor for the following page, or null at the end. */
export interface LogPage {
  entries: ProvisioningLogEntry[]
  next: string | null
}

export interface OperationCounts {
  create: number
  update: number
  deactivate: number
  reactivate: number
  delete: number
  group_membership: number
  /** Requests that answered ≥ 400. */
  failures: number
  /** Every request. */
  requests: number
}

export interface RequestBucket {
  bucket: string
  success: number
  failure: number
}

/** What the console's provisioning overview shows. */
export interface LogSummary {
  lastRequestAt: string | null
  last24h: OperationCounts
  last7d: OperationCounts
  /** Requests per hour (`YYYY-MM-DDTHH`, UTC) over the last 24 hours, by outcome, oldest first; empty hours left out. */
  hourly: RequestBucket[]
  /** Requests per day (`YYYY-MM-DD`, UTC) over the last 7 days, by outcome, oldest first; empty days left out. */
  daily: RequestBucket[]
}

/** What the console's diagnostics panel shows: the most common failures, and 401s (Entra's "invalid credentials"). */
export interface LogDiagnostics {
  since: string
  topFailures: { status: number; scimType: string | null; detail: string | null; count: number; lastAt: string }[]
  unauthorized: { count: number; lastAt: string | null }
}
