import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { randomBase32 } from '../../src/lib/ids.js'
import type { Store } from '../../src/store/store.js'
import type { Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { createStore } from '../../src/store/create-store.js'
import { openStore, parseDatabaseUrl } from '../../src/store/open-store.js'

export type Dialect = 'sqlite' | 'postgres'

/** The cluster scripts/run-tests.ts started (or one you point at): a superuser URL to its `postgres` database. */
const PG_URL = process.env.ROSTER_TEST_PG_URL

function selectDialects(): Dialect[] {
  const available: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite']
  if (!PG_URL && process.env.CI === 'true') {
    throw new Error('CI=true but ROSTER_TEST_PG_URL is not set: run the tests with `npm test`, which starts PostgreSQL')
  }
  // ROSTER_TEST_DIALECTS=postgres runs one engine only (a quicker loop while working on one).
  const only = process.env.ROSTER_TEST_DIALECTS?.split(',').map((name) => name.trim()).filter(Boolean)
  if (only === undefined || only.length === 0) return available
  const unknown = only.filter((name) => !available.includes(name as Dialect))
  if (unknown.length > 0) throw new Error(`ROSTER_TEST_DIALECTS names ${unknown.join(', ')}, but only ${available.join(', ')} can run here`)
  return available.filter((dialect) => only.includes(dialect))
}

/** sqlite always; postgres when ROSTER_TEST_PG_URL is set (run-tests.ts sets it). With CI=true and no PG → throw. */
export const DIALECTS: Dialect[] = selectDialects()

/** A fresh, empty, migrated database per call: a temp SQLite file, or a new PostgreSQL database created in the test cluster (dropped on close). */
export async function openTestStore(dialect: Dialect): Promise<{ store: Store; databaseUrl: string; close(): Promise<void> }> {
  return dialect === 'sqlite' ? openSqliteTestStore() : openPostgresTestStore()
}

/** Temp folders of SQLite test stores not closed yet: a test that never calls close() must not leave files behind. */
const openSqliteDirs = new Set<string>()
process.once('exit', () => {
  for (const dir of openSqliteDirs) rmSync(dir, { recursive: true, force: true })
})

async function openSqliteTestStore(): Promise<{ store: Store; databaseUrl: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'roster-test-'))
  openSqliteDirs.add(dir)
  const databaseUrl = `sqlite:${join(dir, 'roster.db')}`
  const store = await openStore(databaseUrl)
  let closed = false
  return {
    store,
    databaseUrl,
    close: async () => {
      if (closed) return
      closed = true
      await store.close()
      await rm(dir, { recursive: true, force: true })
      openSqliteDirs.delete(dir)
    },
  }
}

async function openPostgresTestStore(): Promise<{ store: Store; databaseUrl: string; close(): Promise<void> }> {
  if (!PG_URL) throw new Error('ROSTER_TEST_PG_URL is not set; run the tests with `npm test`')
  const name = `roster_test_${randomBase32(12)}`
  await withAdminClient((client) => client.query(`create database ${name}`))
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  const databaseUrl = url.toString()
  const store = await openStore(databaseUrl, { poolSize: 8 }).catch(async (error: unknown) => {
    await dropDatabase(name)
    throw error
  })
  let closed = false
  return {
    store,
    databaseUrl,
    close: async () => {
      if (closed) return
      closed = true
      await store.close()
      await dropDatabase(name)
    },
  }
}

// The name is ours (roster_test_ + base32), so it is safe to splice into DDL.
const dropDatabase = (name: string): Promise<unknown> =>
  withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`))

/** A client of the test cluster's `postgres` database as its superuser, for DDL such as CREATE DATABASE. */
export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * A fresh test database with a Kysely connection of its own beside the store over it: for migration tests, which move
 * the schema down and up and write rows the way an older Roster did. `close` ends both.
 */
export async function openTestDatabaseWithConnection(dialect: Dialect): Promise<{ db: Kysely<Database>; store: Store; close(): Promise<void> }> {
  const opened = await openTestStore(dialect)
  const { dialect: engine, location } = parseDatabaseUrl(opened.databaseUrl)
  const db = engine.open(location, { poolSize: 1 })
  return {
    db,
    store: createStore(db, engine),
    close: async () => {
      await db.destroy()
      await opened.close()
    },
  }
}
