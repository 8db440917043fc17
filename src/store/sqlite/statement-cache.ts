import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'
import type { ImmediateReader, ImmediateWriter } from '../engine-dialect.js'

/** Distinct SQL texts kept prepared; IN lists of varying length are the main source of new texts. */
const CAPACITY = 2000

/** One better-sqlite3 connection as Kysely's driver sees it, and the hot paths' direct way in. */
export interface CachedConnection {
  forKysely: SqliteDatabase
  readNow: ImmediateReader
  writeNow: ImmediateWriter
}

/**
 * better-sqlite3 behind Kysely's SqliteDatabase, preparing each SQL text once. Kysely's driver prepares on every
 * call, and on the SCIM hot paths preparing cost as much as running the query (measured: ~20% of a lookup's CPU).
 * Safe because every statement runs to completion synchronously (Kysely's driver, `readNow`), so a cached
 * statement is never in use twice.
 */
export function withStatementCache(database: BetterSqliteDatabase, beforeClose: () => void = () => {}): CachedConnection {
  const statements = new Map<string, Statement>()
  const prepare = (text: string): Statement => {
    // Roster opens transactions only to write. SQLite's default deferred BEGIN takes the write lock at the first
    // write and cannot wait for it then (SQLITE_BUSY despite busy_timeout) when another process, such as the CLI,
    // holds it; BEGIN IMMEDIATE takes it up front, where busy_timeout applies.
    const sql = text === 'begin' ? 'begin immediate' : text
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = database.prepare(sql)
      if (statements.size >= CAPACITY) statements.delete(statements.keys().next().value!)
      statements.set(sql, statement)
    }
    return statement
  }
  // better-sqlite3's transaction wrapper: BEGIN IMMEDIATE (`.immediate`), the statements, COMMIT; ROLLBACK if one throws.
  const runAll = database.transaction((statements: Parameters<ImmediateWriter>[0]) => {
    for (const statement of statements) prepare(statement.sql).run(statement.parameters)
  })
  return {
    forKysely: {
      close: () => {
        beforeClose()
        database.close()
      },
      prepare,
    },
    readNow(sql, parameters) {
      // Kysely holds the one connection across awaits only for a transaction: then a read must queue behind it
      // (it would otherwise see that transaction's uncommitted writes). Otherwise nothing is mid-statement, since
      // better-sqlite3 runs statements synchronously, and reading at once sees exactly the committed state.
      if (database.inTransaction || !database.open) return undefined
      try {
        return prepare(sql).all(parameters)
      } catch (error) {
        // A streamed read (`iterate`) keeps the connection busy without a transaction: queue behind it too.
        if (error instanceof TypeError && /busy/i.test(error.message)) return undefined
        throw error
      }
    },
    writeNow(statements) {
      // As readNow: Kysely holds the connection across awaits only for a transaction, which must not be joined.
      if (database.inTransaction || !database.open) return false
      runAll.immediate(statements)
      return true
    },
  }
}
