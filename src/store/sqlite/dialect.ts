import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from 'kysely'
import type { Database } from '../database.js'
import type { ChangeSignal, EngineDialect, ImmediateReader, ImmediateWriter, TextMatchMode } from '../engine-dialect.js'
import { withStatementCache } from './statement-cache.js'
import { startWalCheckpointer } from './wal-checkpointer.js'

/** GLOB is case-sensitive; its metacharacters are escaped by wrapping them in brackets. */
const escapeGlob = (text: string): string => text.replace(/[*?[]/g, (char) => `[${char}]`)

const globPattern = (mode: TextMatchMode, value: string): string => {
  const literal = escapeGlob(value)
  if (mode === 'sw') return `${literal}*`
  if (mode === 'ew') return `*${literal}`
  return `*${literal}*`
}

/**
 * Kysely's SQLite adapter says SQLite has no transactional DDL, so its Migrator runs each migration statement by
 * statement: a crash (or a failing statement) half-way through a migration such as 0010, which copies `events`, drops
 * it and renames the copy, left the database without the table and the migration unrecorded, so every later start
 * failed on the copy that already existed. SQLite's DDL is transactional, so the Migrator may run the pending
 * migrations and their records in one transaction (BEGIN IMMEDIATE, statement-cache.ts): all of them or none, and a
 * second process migrating at the same time (the CLI while the server starts) waits for it and then finds nothing to do.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

class RosterSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
}

/** The direct read path of each connection `open` made, found by the Kysely instance the store holds. */
const immediateReaders = new WeakMap<Kysely<Database>, ImmediateReader>()
const immediateWriters = new WeakMap<Kysely<Database>, ImmediateWriter>()
const tokenSignals = new WeakMap<Kysely<Database>, ChangeSignal>()

/**
 * `PRAGMA data_version` changes when another connection (the CLI, another process) commits anything, and never for
 * this connection's own commits, which the writing repository accounts for. Read on the direct path only: inside a
 * transaction there is no signal, so the caller reads the row.
 */
function dataVersionSignal(readNow: ImmediateReader): ChangeSignal {
  return {
    maxAgeMs: Number.POSITIVE_INFINITY,
    version: () => (readNow('pragma data_version', [])?.[0] as { data_version: number } | undefined)?.data_version,
  }
}

/**
 * SQLite through better-sqlite3: WAL so readers never wait for the writer, synchronous=NORMAL
 * (durable at checkpoints, safe in WAL), foreign keys on (off by default in SQLite), and a busy
 * timeout for other processes holding the write lock. Kysely serializes on the one connection,
 * which makes its transactions safe without row locks.
 */
export const sqliteDialect: EngineDialect = {
  engine: 'sqlite',
  supportsRowLocks: false,

  open(location, options) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true })
    const database = new SqliteDatabase(location)
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    database.pragma('busy_timeout = 5000')
    // 32 MiB of page cache (the default is 2 MiB): the hot indexes of 100,000 users and their memberships stay in
    // memory, while the process stays well under 250 MB (bench: 64 MiB peaked at ~256 MB during seeding).
    database.pragma('cache_size = -32768')
    // Sorts and temporary indexes that outgrow the page cache stay in memory instead of temp files; no durability cost.
    database.pragma('temp_store = MEMORY')
    // Checkpoint after ~40 MB of WAL instead of ~4 MB: a 1,000-member batch into a large group dirties hundreds of
    // index pages, and checkpointing them after nearly every batch made batches slow down as the group grew
    // (bench: median batch 33 → 20 ms at 100,000 members). Readers are unaffected; the WAL file stays bounded.
    database.pragma('wal_autocheckpoint = 10000')
    // The server also checkpoints from a thread (wal-checkpointer.ts), which copies the WAL into the database off the
    // event loop. It cannot bound the WAL alone: a PASSIVE checkpoint copies up to the last commit it saw, and the WAL
    // rewinds only when a write starts after a checkpoint caught up with every commit; under writes that never pause,
    // one always lands while the thread copies, and the WAL grew by every page written. So the automatic checkpoint
    // stays on as the bound: at 10,000 pages a commit copies what the thread has not yet (the last tenth of a second's
    // pages, not 40 MB) and the next write rewinds the WAL. With pauses between writes the thread rewinds it first.
    let checkpointer: ReturnType<typeof startWalCheckpointer> | undefined
    if (options.checkpointThread && location !== ':memory:') {
      const { onFailure } = options.checkpointThread
      checkpointer = startWalCheckpointer(location, (reason) => onFailure(reason))
    }
    // Planner statistics: without them SQLite may scan an organization's users for an email lookup
    // instead of probing by id. SQLite's advice for long-lived connections: optimize on open, then hourly.
    database.pragma('optimize = 0x10002')
    const optimizeHourly = setInterval(() => {
      if (!database.open) clearInterval(optimizeHourly)
      else if (!database.inTransaction) database.pragma('optimize')
    }, 3_600_000)
    optimizeHourly.unref()
    const connection = withStatementCache(database, () => void checkpointer?.stop())
    const db = new Kysely<Database>({ dialect: new RosterSqliteDialect({ database: connection.forKysely }) })
    immediateReaders.set(db, connection.readNow)
    immediateWriters.set(db, connection.writeNow)
    tokenSignals.set(db, dataVersionSignal(connection.readNow))
    return db
  },

  immediateReader: (db) => immediateReaders.get(db),
  immediateWriter: (db) => immediateWriters.get(db),
  tokenChangeSignal: (db) => tokenSignals.get(db),

  matchText(column, mode, value) {
    return sql<boolean>`${column} glob ${globPattern(mode, value)}`
  },
}
