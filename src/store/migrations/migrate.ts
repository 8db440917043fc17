import { Migrator, type Kysely, type Migration } from 'kysely'
import type { Database } from '../database.js'
import type { Engine } from '../store.js'
import { initialSchema } from './0001-initial.js'
import { membersSchema } from './0002-members.js'
import { provisioningLogSchema } from './0003-provisioning-log.js'
import { apiAndEventsSchema } from './0004-api-and-events.js'
import { samlConnections } from './0005-saml-connections.js'
import { caseFoldedKeys } from './0006-case-folded-keys.js'
import { consoleSessionsSchema } from './0007-console-sessions.js'
import { oidcSchema } from './0008-oidc.js'
import { userTombstonesSchema } from './0009-user-tombstones.js'
import { slimOutbox } from './0010-slim-outbox.js'
import { logWithoutForeignKey } from './0011-log-without-foreign-key.js'

/** Every migration, statically imported (no folder scanning, so bundles and tsx behave the same). */
export function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(engine),
    '0002-members': membersSchema(engine),
    '0003-provisioning-log': provisioningLogSchema(engine),
    '0004-api-and-events': apiAndEventsSchema(engine),
    '0005-saml-connections': samlConnections(engine),
    '0006-case-folded-keys': caseFoldedKeys,
    '0007-console-sessions': consoleSessionsSchema(engine),
    '0008-oidc': oidcSchema(engine),
    '0009-user-tombstones': userTombstonesSchema(engine),
    '0010-slim-outbox': slimOutbox(engine),
    '0011-log-without-foreign-key': logWithoutForeignKey(engine),
  }
}

/** Brings the schema to the latest version; Kysely's lock makes concurrent starts safe. */
export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<void> {
  const migrations = migrationsFor(engine)
  // Unordered: migrations that landed together from parallel work may have been applied in another order on a
  // developer's database; each creates its own tables, so order among them does not matter.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true })
  // Migrating runs in a write transaction (SQLite: BEGIN IMMEDIATE, sqlite/dialect.ts); an up-to-date database (every
  // start, every CLI command) is only read, so a CLI command never waits for the server's write lock to find that out.
  if ((await migrator.getMigrations()).every((migration) => migration.executedAt !== undefined)) return
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`Database migration ${failed} failed`, { cause: error })
  }
}
