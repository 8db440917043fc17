import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'

/**
 * The initial schema. Identifier and key columns use PostgreSQL's "C" collation so that ordering
 * and comparisons (keyset paging, `gt`/`lt` filters) agree with SQLite's BINARY collation, and so
 * that `LIKE 'prefix%'` can use the indexes.
 */
export function initialSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  const seqType = engine === 'postgres' ? sql`bigserial` : sql`integer`

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role_management', 'text', (c) => c.notNull().defaultTo('scim'))
        .addColumn('created_at', key, (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('scim_tokens')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('secret_hash', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('last_used_at', key)
        .addColumn('revoked_at', key)
        .execute()
      await db.schema.createIndex('scim_tokens_org').on('scim_tokens').column('org_id').execute()

      // seq is the primary key: a rowid alias in SQLite (creation order for free), bigserial in PG.
      await db.schema
        .createTable('users')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('id', key, (c) => c.notNull().unique())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('user_name_key', key, (c) => c.notNull())
        .addColumn('external_id', key)
        .addColumn('display_name', 'text')
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('updated_at', key, (c) => c.notNull())
        .addUniqueConstraint('users_org_user_name_key_unique', ['org_id', 'user_name_key'])
        .execute()
      await db.schema.createIndex('users_org_external_id').on('users').columns(['org_id', 'external_id']).execute()
      await db.schema.createIndex('users_org_seq').on('users').columns(['org_id', 'seq']).execute()

      await db.schema
        .createTable('user_emails')
        .addColumn('org_id', key, (c) => c.notNull())
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('value_key', key, (c) => c.notNull())
        .addColumn('type', 'text')
        .addColumn('type_key', key)
        .addColumn('is_primary', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('user_emails_org_value').on('user_emails').columns(['org_id', 'value_key']).execute()
      await db.schema.createIndex('user_emails_user').on('user_emails').column('user_id').execute()

      await db.schema
        .createTable('groups')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('id', key, (c) => c.notNull().unique())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('display_name_key', key, (c) => c.notNull())
        .addColumn('external_id', key)
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('updated_at', key, (c) => c.notNull())
        .addUniqueConstraint('groups_org_display_name_key_unique', ['org_id', 'display_name_key'])
        .execute()
      await db.schema.createIndex('groups_org_external_id').on('groups').columns(['org_id', 'external_id']).execute()
      await db.schema.createIndex('groups_org_seq').on('groups').columns(['org_id', 'seq']).execute()

      await db.schema
        .createTable('group_members')
        .addColumn('org_id', key, (c) => c.notNull())
        .addColumn('group_id', key, (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute()
      await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute()
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['group_members', 'groups', 'user_emails', 'users', 'scim_tokens', 'organizations']) {
        await db.schema.dropTable(table).execute()
      }
    },
  }
}
