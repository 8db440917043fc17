import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/** Distinct SQL texts kept prepared; IN lists of varying length are the main source of new texts. */
const CAPACITY = 2000

/**
 * better-sqlite3 behind Kysely's SqliteDatabase, preparing each SQL text once. Kysely's driver prepares on every
 * call, and on the SCIM hot paths preparing cost as much as running the query (measured: ~20% of a lookup's CPU).
 * Safe because Kysely runs one query at a time on the connection, so a cached statement is never in use twice.
 */
export function withStatementCache(database: BetterSqliteDatabase): SqliteDatabase {
  const statements = new Map<string, Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql)
      if (statement === undefined) {
        statement = database.prepare(sql)
        if (statements.size >= CAPACITY) statements.delete(statements.keys().next().value!)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}
