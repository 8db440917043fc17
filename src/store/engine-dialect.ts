import type { Expression, Kysely, RawBuilder, SqlBool } from 'kysely'
import type { Database } from './database.js'
import type { Engine } from './store.js'

/** SCIM's substring operators (RFC 7644 §3.4.2.2): starts with, ends with, contains. */
export type TextMatchMode = 'sw' | 'ew' | 'co'

/**
 * What differs between the engines, behind one shape (`sqlite/dialect.ts`, `postgres/dialect.ts`).
 * Everything else is plain Kysely that both engines run unchanged.
 */
export interface EngineDialect {
  readonly engine: Engine
  /** Opens a connection (SQLite) or pool (PostgreSQL); does not migrate. */
  open(location: string, options: { poolSize?: number }): Kysely<Database>
  /** Case-exact `sw`/`ew`/`co` of `value` in `column` (SQLite LIKE ignores ASCII case; GLOB does not). */
  matchText(column: Expression<unknown>, mode: TextMatchMode, value: string): RawBuilder<SqlBool>
  /** `SELECT … FOR UPDATE` exists (PostgreSQL); SQLite's single writer needs no row locks. */
  readonly supportsRowLocks: boolean
  /** SQLite: reads of `db` (as `open` returned it) that can skip Kysely's connection queue; see `ImmediateReader`. */
  immediateReader?(db: Kysely<Database>): ImmediateReader | undefined
}

/**
 * Runs a read synchronously when the connection is free, returning its rows, or undefined when the caller must go
 * through Kysely (a transaction holds the connection). Skipping Kysely's promise-based queue saves most of a point
 * lookup's overhead on SQLite, where the query itself takes a few microseconds.
 */
export type ImmediateReader = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined
