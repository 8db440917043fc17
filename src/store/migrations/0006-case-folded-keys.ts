import type { Kysely, Migration } from 'kysely'
import { textKey } from '../text-key.js'

/** Rows read per batch, so a large directory is rewritten without loading it at once. */
const BATCH = 1000

interface KeyedRow {
  seq: number
  org_id: string
  name: string
  key: string
}

/**
 * Rewrites the case-insensitive keys from lower-casing to case folding (text-key.ts): ΟΔΥΣΣΕΥΣ and οδυσσευσ, Straße
 * and STRASSE now share a key. Two rows already stored whose new keys would collide (two users the old rule kept
 * apart) cannot be merged by a migration: the row already holding the new key, else the oldest, gets it; the others
 * keep their old one, which no new key can equal (a folded key folds to itself; an old key that needed rewriting does
 * not), so the unique constraints hold throughout.
 */
export const caseFoldedKeys: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await rewriteUniqueKeys(db, 'users', 'user_name', 'user_name_key')
    await rewriteUniqueKeys(db, 'groups', 'display_name', 'display_name_key')
    await rewriteEmailKeys(db)
  },
  async down(): Promise<void> {
    // Keys folded by this migration are still valid lookup keys for the older code's lower-cased input only in part;
    // there is no lossless way back, and nothing needs one.
  },
}

async function rewriteUniqueKeys(db: Kysely<any>, table: string, nameColumn: string, keyColumn: string): Promise<void> {
  const changes: { seq: number; key: string }[] = []
  // Per organization: new key → the row keeping it. A row whose key does not change always keeps it.
  const owners = new Map<string, { seq: number; unchanged: boolean }>()
  const pending: (KeyedRow & { next: string })[] = []
  let after = -1
  for (;;) {
    const rows = (await db
      .selectFrom(table)
      .select(['seq', 'org_id', `${nameColumn} as name`, `${keyColumn} as key`])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(BATCH)
      .execute()) as KeyedRow[]
    if (rows.length === 0) break
    after = Number(rows[rows.length - 1]!.seq)
    for (const row of rows) {
      const next = textKey(row.name)
      const owner = `${row.org_id}\n${next}`
      const unchanged = next === row.key
      const current = owners.get(owner)
      if (current === undefined || (unchanged && !current.unchanged)) owners.set(owner, { seq: Number(row.seq), unchanged })
      if (!unchanged) pending.push({ ...row, next })
    }
  }
  for (const row of pending) {
    if (owners.get(`${row.org_id}\n${row.next}`)?.seq === Number(row.seq)) changes.push({ seq: Number(row.seq), key: row.next })
  }
  for (const change of changes) {
    await db.updateTable(table).set({ [keyColumn]: change.key }).where('seq', '=', change.seq).execute()
  }
}

async function rewriteEmailKeys(db: Kysely<any>): Promise<void> {
  let afterUser = ''
  for (;;) {
    const users = (await db.selectFrom('user_emails').select('user_id').distinct().where('user_id', '>', afterUser).orderBy('user_id').limit(BATCH).execute()) as {
      user_id: string
    }[]
    if (users.length === 0) break
    afterUser = users[users.length - 1]!.user_id
    const rows = (await db
      .selectFrom('user_emails')
      .select(['user_id', 'position', 'value', 'value_key', 'type', 'type_key'])
      .where('user_id', 'in', users.map((user) => user.user_id))
      .execute()) as { user_id: string; position: number; value: string; value_key: string; type: string | null; type_key: string | null }[]
    for (const row of rows) {
      const valueKey = textKey(row.value)
      const typeKey = row.type === null ? null : textKey(row.type)
      if (valueKey === row.value_key && typeKey === row.type_key) continue
      await db
        .updateTable('user_emails')
        .set({ value_key: valueKey, type_key: typeKey })
        .where('user_id', '=', row.user_id)
        .where('position', '=', row.position)
        .execute()
    }
  }
}
