import { type Kysely, type Migration, sql } from 'kysely'
import type { Engine } from '../store.js'

/**
 * The console's sign-in: one-time login links and server-side sessions. Both keep only the SHA-256 of their secret;
 * both belong to a member (a users row) and disappear with it. A session is ended by deleting its row.
 */
export function consoleSessionsSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('console_login_links')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('member_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('secret_hash', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .addColumn('used_at', key)
        .execute()
      await db.schema.createIndex('console_login_links_member').on('console_login_links').column('member_id').execute()

      await db.schema
        .createTable('console_sessions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('member_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('secret_hash', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .execute()
      await db.schema.createIndex('console_sessions_member').on('console_sessions').column('member_id').execute()
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('console_sessions').execute()
      await db.schema.dropTable('console_login_links').execute()
    },
  }
}
