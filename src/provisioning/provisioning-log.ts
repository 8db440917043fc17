import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { decodeLogCursor, encodeLogCursor } from './log-cursor.js'
import type { ProvisioningLogStore } from './store.js'
import {
  LOG_OPERATIONS,
  LOG_OUTCOMES,
  type LogDiagnostics,
  type LogFilters,
  type LogPage,
  type LogPageRequest,
  type LogSummary,
  type OperationCounts,
  type ProvisioningLogEntry,
  type RequestBucket,
} from './types.js'

export const DEFAULT_LOG_PAGE = 50
export const MAX_LOG_PAGE = 1000
const HOUR_MS = 3_600_000

/**
 * Reading the provisioning log: the one place the CLI, the API (/api/v1/organizations/{orgId}/provisioning-log) and
 * the console query it. Every call is scoped to one organization.
 */
export class ProvisioningLog {
  readonly #store: ProvisioningLogStore
  readonly #clock: Clock

  constructor(store: ProvisioningLogStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  /** Newest first; `next` is null on the last page. Invalid filters or cursors are DomainError('invalid'). */
  async queryLog(orgId: string, filters: LogFilters = {}, page: LogPageRequest = {}): Promise<LogPage> {
    const limit = page.limit ?? DEFAULT_LOG_PAGE
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_PAGE) {
      throw new DomainError('invalid', `limit must be a whole number from 1 to ${MAX_LOG_PAGE}.`)
    }
    const clean = validFilters(filters)
    const after = page.after ? decodeLogCursor(page.after) : undefined
    const rows = await this.#store.queryLogEntries(orgId, clean, limit + 1, after)
    const entries = rows.slice(0, limit)
    const last = entries.at(-1)
    return { entries: entries.map((row) => row.entry), next: rows.length > limit && last ? encodeLogCursor(last.position) : null }
  }

  /** The tombstone of a deleted user or group (id, name, when, which token), while the log keeps it. */
  async tombstone(orgId: string, resourceId: string): Promise<ProvisioningLogEntry | null> {
    const [row] = await this.#store.queryLogEntries(orgId, { resource: resourceId, operation: 'delete' }, 1)
    return row?.entry ?? null
  }

  /** The console's overview: last request, counts over 24 h and 7 d, requests per hour (24 h) and per day (7 d). */
  async summary(orgId: string): Promise<LogSummary> {
    const now = this.#clock.now().getTime()
    const dayAgo = new Date(now - 24 * HOUR_MS).toISOString()
    const weekAgo = new Date(now - 7 * 24 * HOUR_MS).toISOString()
    const [lastRequestAt, last24h, last7d, hourly, daily] = await Promise.all([
      this.#store.lastLogTime(orgId),
      this.#counts(orgId, dayAgo),
      this.#counts(orgId, weekAgo),
      this.#store.logBucketCounts(orgId, dayAgo, 'hour'),
      this.#store.logBucketCounts(orgId, weekAgo, 'day'),
    ])
    return { lastRequestAt, last24h, last7d, hourly: byBucket(hourly), daily: byBucket(daily) }
  }

  /** The console's diagnostics: the most common failures and the 401s of the last `days` days (default 7). */
  async diagnostics(orgId: string, days = 7): Promise<LogDiagnostics> {
    const since = new Date(this.#clock.now().getTime() - days * 24 * HOUR_MS).toISOString()
    const [topFailures, unauthorized] = await Promise.all([
      this.#store.logTopFailures(orgId, since, 5),
      this.#store.logStatusCount(orgId, 401, since),
    ])
    return { since, topFailures, unauthorized }
  }

  async #counts(orgId: string, since: string): Promise<OperationCounts> {
    const counts: OperationCounts = { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, group_membership: 0, failures: 0, requests: 0 }
    for (const row of await this.#store.logCounts(orgId, since)) {
      counts.requests += row.count
      if (row.outcome === 'failure') counts.failures += row.count
      if (row.operation && (LOG_OPERATIONS as readonly string[]).includes(row.operation)) counts[row.operation as keyof OperationCounts] += row.count
    }
    return counts
  }
}

function byBucket(rows: readonly { bucket: string; outcome: 'success' | 'failure'; count: number }[]): RequestBucket[] {
  const buckets = new Map<string, RequestBucket>()
  for (const row of rows) {
    const bucket = buckets.get(row.bucket) ?? { bucket: row.bucket, success: 0, failure: 0 }
    bucket[row.outcome] += row.count
    buckets.set(row.bucket, bucket)
  }
  return [...buckets.values()].sort((a, b) => a.bucket.localeCompare(b.bucket))
}

function validFilters(filters: LogFilters): LogFilters {
  const clean: LogFilters = {}
  for (const bound of ['since', 'until'] as const) {
    const value = filters[bound]
    if (value === undefined || value === '') continue
    const time = Date.parse(value)
    if (Number.isNaN(time)) throw new DomainError('invalid', `${bound} must be an ISO-8601 time such as 2026-11-30T08:00:00Z; got "${value}".`)
    clean[bound] = new Date(time).toISOString()
  }
  if (filters.outcome !== undefined) {
    if (!LOG_OUTCOMES.includes(filters.outcome)) throw new DomainError('invalid', `outcome must be one of ${LOG_OUTCOMES.join(', ')}.`)
    clean.outcome = filters.outcome
  }
  if (filters.operation !== undefined) {
    if (!LOG_OPERATIONS.includes(filters.operation)) throw new DomainError('invalid', `operation must be one of ${LOG_OPERATIONS.join(', ')}.`)
    clean.operation = filters.operation
  }
  if (filters.resource) clean.resource = filters.resource.slice(0, 300)
  if (filters.text) clean.text = filters.text.slice(0, 200)
  return clean
}
