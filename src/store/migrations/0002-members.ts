import { sql, type Kysely, type Migration } from 'kysely'
import { parseDocument } from '../filtered-list.js'
import { searchKeyOf } from '../member-search-key.js'
import type { Engine } from '../store.js'

const BACKFILL_BATCH = 500

/**
 * The member model (issue 6): on users, the directory role, the source, the last SCIM write and the search key.
 * Rows that exist before this migration were all created and changed by SCIM, whose role was the only role there
 * was: they become `scim` members whose directory role is their role, last provisioned at their last update.
 */
export function membersSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('directory_role', 'text').execute()
      await db.schema.alterTable('users').addColumn('source', 'text', (c) => c.notNull().defaultTo('scim')).execute()
      await db.schema.alterTable('users').addColumn('last_provisioned_at', key).execute()
      await db.schema.alterTable('users').addColumn('search_key', 'text', (c) => c.notNull().defaultTo('')).execute()
      await sql`update users set directory_role = role, last_provisioned_at = updated_at`.execute(db)
      // The search key needs the document parsed (emails, name parts): computed here in batches, keyed by seq.
      for (let after = -1; ; ) {
        const { rows } = await sql<{ seq: number | string; id: string; document: string }>`
          select seq, id, document from users where seq > ${after} order by seq limit ${BACKFILL_BATCH}`.execute(db)
        for (const row of rows) {
          await sql`update users set search_key = ${searchKeyOf(parseDocument(row.document))} where id = ${row.id}`.execute(db)
        }
        if (rows.length < BACKFILL_BATCH) break
        after = Number(rows.at(-1)!.seq)
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const column of ['search_key', 'last_provisioned_at', 'source', 'directory_role']) {
        await db.schema.alterTable('users').dropColumn(column).execute()
      }
    },
  }
}
