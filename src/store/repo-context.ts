import type { Kysely } from 'kysely'
import type { Database } from './database.js'
import type { EngineDialect } from './engine-dialect.js'

/** What every repository function runs against: the database (or the open transaction) and its engine. */
export interface RepoContext {
  readonly db: Kysely<Database>
  readonly dialect: EngineDialect
  /** `db` is already a transaction, so writes of several statements need no transaction of their own. */
  readonly inTransaction: boolean
}

/** Runs several statements as one: in the caller's transaction, else in a new one. */
export function atomically<T>(context: RepoContext, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return context.inTransaction ? work(context.db) : context.db.transaction().execute(work)
}

/** Clamps a client's paging numbers to what both engines accept as LIMIT/OFFSET (RFC 7644 §3.4.2.4: below 1 means 1). */
export function pageWindow(startIndex: number, count: number): { offset: number; limit: number } {
  const whole = (value: number, fallback: number): number =>
    Number.isNaN(value) ? fallback : Math.min(Math.max(Math.floor(value), 0), Number.MAX_SAFE_INTEGER)
  return { offset: Math.max(whole(startIndex, 1), 1) - 1, limit: whole(count, 0) }
}
