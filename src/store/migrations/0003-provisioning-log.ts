import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely'
import type { Engine } from '../store.js'

/**
 * The provisioning log (issue #6 §4): one row per SCIM request. Written in batches off the request path, read newest
 * first per organization, deleted by retention in small batches. Every query starts with org_id and walks an index
 * in time order; `seq` breaks ties between rows of the same millisecond and is the cursor's second half.
 */
export function provisioningLogSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  const seqType = engine === 'postgres' ? sql`bigserial` : sql`integer`
  const real = engine === 'postgres' ? sql`double precision` : sql`real`

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('provisioning_log')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('id', key, (c) => c.notNull())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('at', key, (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('token_id', key)
        .addColumn('client', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text')
        .addColumn('resource_id', key)
        .addColumn('user_name', 'text')
        .addColumn('name_key', key)
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('outcome', key, (c) => c.notNull())
        .addColumn('scim_type', 'text')
        .addColumn('detail', 'text')
        .addColumn('duration_ms', real, (c) => c.notNull())
        .addColumn('operation', key)
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('membership', 'text')
        .addColumn('search_text', 'text', (c) => c.notNull())
        .execute()
      // Newest first, time ranges, summaries, retention by age and by rows: every row.
      await db.schema.createIndex('provisioning_log_org_at').on('provisioning_log').columns(['org_id', 'at', 'seq']).execute()
      // The others are partial: most requests are Entra's lookups (no id, no name, no change, success), which then
      // touch one index only, and that is what keeps the log's cost on lookups small. Queries name the column with
      // `=`, which implies an IS NOT NULL condition on both engines; failures are asked for with the literal
      // `outcome = 'failure'` (a bound parameter would not let SQLite prove the condition).
      const partial = (name: string, columns: string[], condition: RawBuilder<boolean>) =>
        db.schema.createIndex(name).on('provisioning_log').columns(columns).where(condition).execute()
      await partial('provisioning_log_org_resource', ['org_id', 'resource_id', 'at'], sql<boolean>`resource_id is not null`)
      await partial('provisioning_log_org_name', ['org_id', 'name_key', 'at'], sql<boolean>`name_key is not null`)
      await partial('provisioning_log_org_failure', ['org_id', 'at'], sql<boolean>`outcome = 'failure'`)
      await partial('provisioning_log_org_operation', ['org_id', 'operation', 'at'], sql<boolean>`operation is not null`)
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('provisioning_log').execute()
    },
  }
}
