import type { TombstoneKeys, TombstoneMatch, UserTombstone } from '../directory/types.js'
import { isStorableText } from './db-errors.js'
import type { RepoContext } from './repo-context.js'
import { textKey } from './text-key.js'

type Kind = TombstoneMatch['matchedBy']

/** Keys longer than this are not indexed (the user indexes refuse them too), so they cannot name a tombstone. */
const MAX_KEY_LENGTH = 2000

/** The directory's deletion tombstones (migration 0009): one row per identifier of a deleted member. */
export function tombstonesRepo(context: RepoContext) {
  const { db } = context
  return {
    async insertUserTombstone(tombstone: UserTombstone): Promise<void> {
      const rows = keyRows({
        userNames: [tombstone.userName],
        externalIds: tombstone.externalId === null ? [] : [tombstone.externalId],
        emails: tombstone.emails,
      }).map(({ kind, key }) => ({ org_id: tombstone.orgId, user_id: tombstone.userId, kind, key, deleted_at: tombstone.deletedAt }))
      if (rows.length > 0) await db.insertInto('user_tombstones').values(rows).execute()
    },

    async findUserTombstone(orgId: string, keys: TombstoneKeys): Promise<TombstoneMatch | undefined> {
      const wanted = keyRows(keys)
      if (wanted.length === 0 || !isStorableText(orgId)) return undefined
      const row = await db
        .selectFrom('user_tombstones')
        .select(['user_id', 'kind', 'deleted_at'])
        .where('org_id', '=', orgId)
        .where((eb) => eb.or(wanted.map(({ kind, key }) => eb.and([eb('kind', '=', kind), eb('key', '=', key)]))))
        .orderBy('deleted_at', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : { userId: row.user_id, deletedAt: row.deleted_at, matchedBy: row.kind as Kind }
    },

    async deleteUserTombstonesBefore(time: string, limit: number): Promise<number> {
      // One bounded statement: rows are picked by their (indexed) age, then deleted by their full identity.
      const doomed = await db.selectFrom('user_tombstones').select(['org_id', 'user_id', 'kind', 'key']).where('deleted_at', '<', time).orderBy('deleted_at').limit(limit).execute()
      if (doomed.length === 0) return 0
      const result = await db
        .deleteFrom('user_tombstones')
        .where('deleted_at', '<', time)
        .where((eb) => eb.or(doomed.map((r) => eb.and([eb('org_id', '=', r.org_id), eb('user_id', '=', r.user_id), eb('kind', '=', r.kind), eb('key', '=', r.key)]))))
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

/** Each identifier as its stored key, deduplicated; unstorable or over-long values are left out. */
function keyRows(keys: TombstoneKeys): { kind: Kind; key: string }[] {
  const out = new Map<string, { kind: Kind; key: string }>()
  const add = (kind: Kind, value: string, keyOf: (v: string) => string) => {
    const trimmed = value.trim()
    if (trimmed === '' || !isStorableText(trimmed)) return
    const key = keyOf(trimmed)
    if (key.length > MAX_KEY_LENGTH) return
    out.set(`${kind}\u0000${key}`, { kind, key })
  }
  for (const value of keys.userNames) add('userName', value, textKey)
  for (const value of keys.externalIds) add('externalId', value, (v) => v)
  for (const value of keys.emails) add('email', value, textKey)
  return [...out.values()]
}
