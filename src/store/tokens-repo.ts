import type { Selectable } from 'kysely'
import type { ScimTokenRecord } from '../orgs/types.js'
import type { ScimTokensTable } from './database.js'
import { isStorableText, withUniqueness } from './db-errors.js'
import { preparedQuery } from './prepared-query.js'
import type { RepoContext } from './repo-context.js'
import type { ImmediateReader } from './engine-dialect.js'

/** Every SCIM request looks its token up, so this statement is built once (prepared-query.ts). */
const tokenById = preparedQuery<{ id: string }, Selectable<ScimTokensTable>>((db, p) => db.selectFrom('scim_tokens').selectAll().where('id', '=', p.id))
let tokenByIdText: string | undefined
const tokenByIdSql = (context: RepoContext): string =>
  (tokenByIdText ??= context.db.selectFrom('scim_tokens').selectAll().where('id', '=', '').compile().sql)

/** Most token records one connection keeps in memory (a deployment has two per organization at most). */
const MAX_CACHED_TOKENS = 10_000

/**
 * Bumped by every write of this process that can change what a token lookup answers (insert, revoke, an
 * organization's deletion, which cascades): a cached record from before it is not used again.
 */
let tokenWrites = 0

/**
 * Runs a write that changes what token lookups answer, then invalidates every cached record. Afterwards, not before:
 * a lookup that ran while the write was queued may have cached the old row, and must not be believed once it is done.
 * (Inside a transaction, lookups cannot use the cache until it commits: the immediate path is closed meanwhile.)
 */
export async function afterwardsForgetCachedTokens<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } finally {
    tokenWrites++
  }
}

interface CachedToken {
  record: ScimTokenRecord
  dataVersion: unknown
  writes: number
}
const tokenCaches = new WeakMap<ImmediateReader, Map<string, CachedToken>>()

/**
 * SQLite only: the token record of an earlier request while nothing could have changed it. Every SCIM request looks
 * its token up (issue #11 measured it at ~12 % of a lookup's CPU). A revocation must still refuse the very next
 * request, from any process: `PRAGMA data_version` changes when another connection (the CLI, another process)
 * commits anything, and this process's own token writes bump `tokenWrites`. Both are read synchronously with the
 * cache, on the connection's immediate path, so nothing interleaves. PostgreSQL has no such cheap signal across
 * instances, so it reads the row every time.
 */
function cachedTokenLookup(runNow: ImmediateReader, id: string, read: () => Selectable<ScimTokensTable> | undefined | null): ScimTokenRecord | undefined | null {
  const version = runNow('pragma data_version', [])?.[0]
  if (version === undefined) return null
  const dataVersion = (version as { data_version: unknown }).data_version
  let cache = tokenCaches.get(runNow)
  if (cache === undefined) tokenCaches.set(runNow, (cache = new Map()))
  const hit = cache.get(id)
  if (hit !== undefined && hit.dataVersion === dataVersion && hit.writes === tokenWrites) return hit.record
  const row = read()
  if (row === null) return null
  if (row === undefined) {
    cache.delete(id)
    return undefined
  }
  const record = fromTokenRow(row)
  if (cache.size >= MAX_CACHED_TOKENS) cache.clear()
  cache.set(id, { record, dataVersion, writes: tokenWrites })
  return record
}

/** SCIM bearer tokens: only the SHA-256 of the secret is stored (the Lucia model in style.md). */
export function tokensRepo(context: RepoContext) {
  const { db } = context

  return {
    async insertScimToken(token: ScimTokenRecord): Promise<void> {
      await afterwardsForgetCachedTokens(() => withUniqueness(
        () =>
          db
            .insertInto('scim_tokens')
            .values({
              id: token.id,
              org_id: token.orgId,
              secret_hash: token.secretHash,
              created_at: token.createdAt,
              last_used_at: token.lastUsedAt,
              revoked_at: token.revokedAt,
            })
            .execute(),
        () => `A SCIM token with id "${token.id}" already exists`,
      ))
    },

    async findScimToken(id: string): Promise<ScimTokenRecord | undefined> {
      // The id comes from a bearer token a client sent, so anything may arrive here.
      if (!isStorableText(id)) return undefined
      const runNow = context.runNow
      if (runNow !== undefined) {
        const read = () => {
          const rows = runNow(tokenByIdSql(context), [id])
          return rows === undefined ? null : (rows[0] as Selectable<ScimTokensTable> | undefined)
        }
        const cached = cachedTokenLookup(runNow, id, read)
        if (cached !== null) return cached
      }
      const [row] = await tokenById.rows(context, { id })
      return row === undefined ? undefined : fromTokenRow(row)
    },

    async listScimTokens(orgId: string): Promise<ScimTokenRecord[]> {
      if (!isStorableText(orgId)) return []
      const rows = await db.selectFrom('scim_tokens').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute()
      return rows.map(fromTokenRow)
    },

    async revokeScimToken(orgId: string, id: string, at: string): Promise<boolean> {
      if (!isStorableText(orgId) || !isStorableText(id)) return false
      const result = await afterwardsForgetCachedTokens(() =>
        db.updateTable('scim_tokens').set({ revoked_at: at }).where('org_id', '=', orgId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst(),
      )
      return result.numUpdatedRows > 0n
    },

    async touchScimToken(id: string, at: string): Promise<void> {
      if (!isStorableText(id)) return
      // Once a minute per token (LastUsedThrottle): invalidating the cache then keeps lastUsedAt reads true.
      await afterwardsForgetCachedTokens(() => db.updateTable('scim_tokens').set({ last_used_at: at }).where('id', '=', id).execute())
    },
  }
}

function fromTokenRow(row: Selectable<ScimTokensTable>): ScimTokenRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}
