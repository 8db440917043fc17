import { Migrator, type Kysely, type Migration } from 'kysely'
import type { Database } from '../database.js'
import type { Engine } from '../store.js'
import { initialSchema } from './0001-initial.js'
import { samlConnections } from './0005-saml-connections.js'

/** Every migration, statically imported (no folder scanning, so bundles and tsx behave the same). */
function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(engine),
    '0005-saml-connections': samlConnections(engine),
  }
}

/** Brings the schema to the latest version; Kysely's lock makes concurrent starts safe. */
export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<void> {
  const migrations = migrationsFor(engine)
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`Database migration ${failed} failed`, { cause: error })
  }
}
