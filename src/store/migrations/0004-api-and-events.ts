import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'

/**
 * Issue 7: API keys, the event outbox with its per-stream sequence counters, and webhook endpoints with their
 * deliveries. Sequence columns are bigint in both engines (SQLite stores them as integers; pg returns strings,
 * which the repositories convert).
 */
export function apiAndEventsSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // org_id null: a platform key, which acts on every organization.
      await db.schema
        .createTable('api_keys')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.references('organizations.id').onDelete('cascade'))
        .addColumn('secret_hash', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('last_used_at', key)
        .addColumn('revoked_at', key)
        .execute()
      await db.schema.createIndex('api_keys_org').on('api_keys').column('org_id').execute()

      // One row per organization (its event sequence) and one for the platform-wide position ('*'). Taking the
      // row with an upsert locks it until commit, which is what makes sequences follow commit order.
      await db.schema
        .createTable('event_streams')
        .addColumn('stream', key, (c) => c.primaryKey())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('pruned_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute()

      // No foreign key to organizations: events outlive nothing, but a deleted organization's feed stays readable
      // until retention removes it.
      await db.schema
        .createTable('events')
        .addColumn('position', 'bigint', (c) => c.primaryKey())
        .addColumn('id', key, (c) => c.notNull().unique())
        .addColumn('org_id', key, (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', key, (c) => c.notNull())
        .addColumn('time', key, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addUniqueConstraint('events_org_seq_unique', ['org_id', 'seq'])
        .execute()
      await db.schema.createIndex('events_time').on('events').column('time').execute()
      await db.schema.createIndex('events_org_position').on('events').columns(['org_id', 'position']).execute()

      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.references('organizations.id').onDelete('cascade'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text')
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_expires_at', key)
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('cursor', 'bigint', (c) => c.notNull())
        .addColumn('next_attempt_at', key)
        .addColumn('lease_until', key)
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('updated_at', key, (c) => c.notNull())
        .execute()
      await db.schema.createIndex('webhook_endpoints_org').on('webhook_endpoints').column('org_id').execute()

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('endpoint_id', key, (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('event_id', key, (c) => c.notNull())
        .addColumn('event_position', 'bigint', (c) => c.notNull())
        .addColumn('event_type', key, (c) => c.notNull())
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('replay', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_response_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', key)
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('updated_at', key, (c) => c.notNull())
        .addUniqueConstraint('webhook_deliveries_endpoint_event', ['endpoint_id', 'event_id'])
        .execute()
      await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'id']).execute()
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['webhook_deliveries', 'webhook_endpoints', 'events', 'event_streams', 'api_keys']) {
        await db.schema.dropTable(table).execute()
      }
    },
  }
}
