import type { Expression, Kysely, RawBuilder, SqlBool } from 'kysely'
import type { Database } from './database.js'
import type { Engine } from './store.js'

/** SCIM's substring operators (RFC 7644 §3.4.2.2): starts with, ends with, contains. */
export type TextMatchMode = 'sw' | 'ew' | 'co'

export interface OpenOptions {
  /** PostgreSQL: connections in the pool. */
  poolSize?: number
  /**
   * PostgreSQL: run the hot statements as named prepared statements (postgres/named-statements.ts); default on. Off
   * for a connection pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
   */
  namedStatements?: boolean
  /**
   * PostgreSQL: the client's pipeline mode, so that a transaction's BEGIN travels with its first statement and its
   * outbox append with its COMMIT (postgres/pipelined-transactions.ts); default on. Off only to rule it out when
   * diagnosing a driver problem, or to narrow the moment in which a dropped connection leaves a write's outcome unknown.
   */
  pipeline?: boolean
  /**
   * SQLite, for the long-running server: checkpoint the WAL from a thread of its own (sqlite/wal-checkpointer.ts),
   * so that commits on the event loop seldom have anything left to copy (the connection's automatic checkpoint stays
   * on as the WAL's bound). `onFailure` hears what went wrong. Short-lived processes (the CLI, tests) leave it off.
   */
  checkpointThread?: { onFailure(reason: string): void }
}

/**
 * What differs between the engines, behind one shape (`sqlite/dialect.ts`, `postgres/dialect.ts`).
 * Everything else is plain Kysely that both engines run unchanged.
 */
export interface EngineDialect {
  readonly engine: Engine
  /** Opens a connection (SQLite) or pool (PostgreSQL); does not migrate. */
  open(location: string, options: OpenOptions): Kysely<Database>
  /** Case-exact `sw`/`ew`/`co` of `value` in `column` (SQLite LIKE ignores ASCII case; GLOB does not). */
  matchText(column: Expression<unknown>, mode: TextMatchMode, value: string): RawBuilder<SqlBool>
  /** `SELECT … FOR UPDATE` exists (PostgreSQL); SQLite's single writer needs no row locks. */
  readonly supportsRowLocks: boolean
  /** SQLite: reads of `db` (as `open` returned it) that can skip Kysely's connection queue; see `ImmediateReader`. */
  immediateReader?(db: Kysely<Database>): ImmediateReader | undefined
  /** SQLite: writes of `db` that can skip Kysely's connection queue; see `ImmediateWriter`. */
  immediateWriter?(db: Kysely<Database>): ImmediateWriter | undefined
  /** How this process learns that SCIM tokens changed elsewhere (tokens-repo.ts keeps token records meanwhile). */
  tokenChangeSignal?(db: Kysely<Database>): ChangeSignal | undefined
  /**
   * A statement the store runs on every request (prepared-query.ts): PostgreSQL prepares it once per connection (a
   * named statement) instead of parsing and planning it on every call. SQLite's statement cache already does this.
   */
  hotStatement?(sql: string): void
  /**
   * A statement whose result its caller never reads and which it sends last in its transaction (the outbox's append):
   * PostgreSQL sends it with the COMMIT that follows instead of waiting for its answer first (postgres/pipelined-
   * transactions.ts); its failure fails the COMMIT with its own error.
   */
  lastInTransaction?(sql: string): void
  /** Tells other processes that `db` (the database or a transaction: then at its commit) changed SCIM tokens. */
  announceTokenChange?(db: Kysely<Database>): Promise<void>
}

/**
 * Lets a cache of rows know when another process may have changed them. Within one process, the repository that
 * writes the rows invalidates the cache itself; this covers the CLI, other instances, anything with its own connection.
 */
export interface ChangeSignal {
  /**
   * A value that differs from any earlier one once another connection may have committed a change; undefined when
   * there is no signal right now (then the caller reads the rows). Cheap and synchronous: it runs on every request.
   */
  version(): unknown
  /** Entries older than this are read again even when the version has not moved (a safety net, or the only bound). */
  readonly maxAgeMs: number
}

/**
 * Runs a read synchronously when the connection is free, returning its rows, or undefined when the caller must go
 * through Kysely (a transaction holds the connection). Skipping Kysely's promise-based queue saves most of a point
 * lookup's overhead on SQLite, where the query itself takes a few microseconds.
 */
export type ImmediateReader = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined

/**
 * Runs statements synchronously in one transaction of their own (BEGIN IMMEDIATE … COMMIT) when the connection is
 * free, returning true; false, having run nothing, when the caller must go through Kysely (a transaction holds the
 * connection). Throws, having undone them all, when a statement fails. For the provisioning log's batches: a batch's
 * statements then cost no promise, no queue and no turn of the event loop between them.
 */
export type ImmediateWriter = (statements: readonly { sql: string; parameters: readonly unknown[] }[]) => boolean
