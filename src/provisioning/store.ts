import type { LogFilters, LogOutcome, ProvisioningLogEntry } from './types.js'

/** A row's place in the log's order (newest first: time, then insertion order). `seq` is the store's own counter. */
export interface LogPosition {
  time: string
  seq: string
}

/** The provisioning log's persistence port; store/provisioning-log-repo.ts implements it for both engines. */
export interface ProvisioningLogStore {
  /**
   * Writes a batch whole or not at all; entries of several organizations may share it. Returns how many rows were
   * written: an entry whose organization has been deleted is refused (SQLite: the batch fails on its foreign key) or
   * left out (PostgreSQL: see provisioning-log-repo.ts).
   */
  insertLogEntries(entries: readonly ProvisioningLogEntry[]): Promise<number>
  /** Newest first, strictly after `after` in that order; at most `limit`. */
  queryLogEntries(orgId: string, filters: LogFilters, limit: number, after?: LogPosition): Promise<{ entry: ProvisioningLogEntry; position: LogPosition }[]>
  /** When the last SCIM request arrived (entries with a token; SSO sign-in entries have none), or null. */
  lastLogTime(orgId: string): Promise<string | null>
  /** Counts since `since` grouped by operation (null: no change) and outcome. */
  logCounts(orgId: string, since: string): Promise<{ operation: string | null; outcome: LogOutcome; count: number }[]>
  /** Counts since `since` grouped by outcome and by hour (`YYYY-MM-DDTHH`) or day (`YYYY-MM-DD`). */
  logBucketCounts(orgId: string, since: string, bucket: 'hour' | 'day'): Promise<{ bucket: string; outcome: LogOutcome; count: number }[]>
  logTopFailures(orgId: string, since: string, limit: number): Promise<{ status: number; scimType: string | null; detail: string | null; count: number; lastAt: string }[]>
  logStatusCount(orgId: string, status: number, since: string): Promise<{ count: number; lastAt: string | null }>
  /** Organizations that may hold log rows (retention walks them). */
  logOrganizationIds(): Promise<string[]>
  /** Deletes at most `limit` of the organization's rows older than `time`; returns how many. */
  deleteLogEntriesBefore(orgId: string, time: string, limit: number): Promise<number>
  /** The position of the newest row beyond the `keep` newest rows, if there are more than `keep`. */
  logPositionBeyond(orgId: string, keep: number): Promise<LogPosition | undefined>
  /** Deletes at most `limit` of the organization's rows at or before `position`; returns how many. */
  deleteLogEntriesThrough(orgId: string, position: LogPosition, limit: number): Promise<number>
  /**
   * Deletes at most `limit` member deletion tombstones (the directory's `user_tombstones`) older than `time`, of every
   * organization; returns how many. They share the log's retention by age, as the log's own delete entries do.
   */
  deleteUserTombstonesBefore(time: string, limit: number): Promise<number>
}
