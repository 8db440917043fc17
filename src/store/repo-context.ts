import type { Kysely } from 'kysely'
import type { Database } from './database.js'
import type { EngineDialect, ImmediateReader, ImmediateWriter } from './engine-dialect.js'
import type { PagePositions } from './page-positions.js'

/** What every repository function runs against: the database (or the open transaction) and its engine. */
export interface RepoContext {
  readonly db: Kysely<Database>
  readonly dialect: EngineDialect
  /** `db` is already a transaction, so writes of several statements need no transaction of their own. */
  readonly inTransaction: boolean
  /** SQLite outside a transaction: prepared reads run at once when the connection is free (see prepared-query.ts). */
  readonly runNow?: ImmediateReader
  /** SQLite outside a transaction: a batch of statements runs at once in a transaction of its own when the connection is free. */
  readonly writeNow?: ImmediateWriter
  /** Where index-paged lists left off (page-positions.ts); only the database's own store keeps them. */
  readonly positions?: PagePositions
}

/** Runs several statements as one: in the caller's transaction, else in a new one. */
export function atomically<T>(context: RepoContext, work: (tx: RepoContext) => Promise<T>): Promise<T> {
  if (context.inTransaction) return work(context)
  return context.db.transaction().execute((db) => work({ db, dialect: context.dialect, inTransaction: true }))
}

/** Clamps a client's paging numbers to what both engines accept as LIMIT/OFFSET (RFC 7644 §3.4.2.4: below 1 means 1). */
export function pageWindow(startIndex: number, count: number): { offset: number; limit: number } {
  const whole = (value: number, fallback: number): number =>
    Number.isNaN(value) ? fallback : Math.min(Math.max(Math.floor(value), 0), Number.MAX_SAFE_INTEGER)
  return { offset: Math.max(whole(startIndex, 1), 1) - 1, limit: whole(count, 0) }
}
