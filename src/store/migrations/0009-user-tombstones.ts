import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'
import { textKey } from '../text-key.js'

/** Log rows read per batch by the backfill. */
const BATCH = 1000

/**
 * Deletion tombstones of members (issue 9 §4: just-in-time creation at SSO sign-in must never bring back a person the
 * directory deleted). One row per identifier of the deleted member (its userName key, its externalId, each email key),
 * written in the SCIM DELETE's own transaction, so a sign-in that no longer finds the member always finds its
 * tombstone: the provisioning log's delete entry is written in batches off the request path (and may be dropped or
 * lost in a crash), so it cannot be the gate. Kept as long as the provisioning log keeps entries by age (retention).
 *
 * Backfill: deletions from before this migration exist only as the log's delete entries (id, userName); their
 * userName keys become tombstones here, so one table answers for old and new deletions alike.
 */
export function userTombstonesSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('user_tombstones')
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull())
        /** 'userName' | 'externalId' | 'email' */
        .addColumn('kind', key, (c) => c.notNull())
        .addColumn('key', key, (c) => c.notNull())
        .addColumn('deleted_at', key, (c) => c.notNull())
        .execute()
      await db.schema.createIndex('user_tombstones_org_key').on('user_tombstones').columns(['org_id', 'kind', 'key']).execute()
      await db.schema.createIndex('user_tombstones_deleted_at').on('user_tombstones').column('deleted_at').execute()

      let after = -1
      for (;;) {
        const rows = (await db
          .selectFrom('provisioning_log')
          .select(['seq', 'org_id', 'resource_id', 'user_name', 'at'])
          .where('operation', '=', 'delete')
          .where('resource_type', '=', 'User')
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(BATCH)
          .execute()) as { seq: number | string; org_id: string; resource_id: string | null; user_name: string | null; at: string }[]
        if (rows.length === 0) break
        after = Number(rows.at(-1)!.seq)
        const values = rows
          .filter((row) => row.resource_id !== null && row.user_name !== null && row.user_name !== '')
          .map((row) => ({ org_id: row.org_id, user_id: row.resource_id!, kind: 'userName', key: textKey(row.user_name!), deleted_at: row.at }))
        if (values.length > 0) await db.insertInto('user_tombstones').values(values).execute()
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('user_tombstones').execute()
    },
  }
}
