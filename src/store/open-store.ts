import type { EngineDialect, OpenOptions } from './engine-dialect.js'
import { createStore } from './create-store.js'
import { migrateToLatest } from './migrations/migrate.js'
import { postgresDialect } from './postgres/dialect.js'
import { sqliteDialect } from './sqlite/dialect.js'
import type { Store } from './store.js'

/** `sqlite:PATH` (parent folder created; `sqlite::memory:` in memory) or `postgres://…`/`postgresql://…`. Runs migrations. */
export async function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  const { dialect, location } = parseDatabaseUrl(databaseUrl)
  const db = dialect.open(location, options)
  try {
    await migrateToLatest(db, dialect.engine)
  } catch (error) {
    await db.destroy()
    throw error
  }
  return createStore(db, dialect)
}

/** Which engine a DATABASE_URL names, and what to hand its driver. */
export function parseDatabaseUrl(databaseUrl: string): { dialect: EngineDialect; location: string } {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return { dialect: postgresDialect, location: databaseUrl }
  if (/^sqlite:/i.test(databaseUrl)) {
    // `sqlite:///abs/path` and `sqlite:relative/path` both work; the rest is a file path.
    const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (path === '') throw new Error('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/roster.db or sqlite::memory:')
    return { dialect: sqliteDialect, location: path }
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got "${databaseUrl.split(':')[0]}:…")`)
}
