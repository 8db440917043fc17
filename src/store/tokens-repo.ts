import type { Selectable } from 'kysely'
import type { ScimTokenRecord } from '../orgs/types.js'
import type { ScimTokensTable } from './database.js'
import { isStorableText, withUniqueness } from './db-errors.js'
import { preparedQuery } from './prepared-query.js'
import type { RepoContext } from './repo-context.js'
import type { ChangeSignal } from './engine-dialect.js'

/** Every SCIM request looks its token up, so this statement is built once (prepared-query.ts). */
/** Named columns, not `*`: see USER_COLUMNS in users-repo.ts (prepared once per PostgreSQL connection). */
const tokenById = preparedQuery<{ id: string }, Selectable<ScimTokensTable>>((db, p) =>
  db.selectFrom('scim_tokens').select(['id', 'org_id', 'secret_hash', 'created_at', 'last_used_at', 'revoked_at']).where('id', '=', p.id),
)

/** Most token records one store keeps in memory (a deployment has two per organization at most). */
const MAX_CACHED_TOKENS = 10_000

/**
 * Bumped by every write of this process that can change what a token lookup answers (insert, revoke, last use, an
 * organization's deletion, which cascades): a cached record from before it is not used again.
 */
let tokenWrites = 0

/**
 * Runs a write that changes what token lookups answer, tells other processes (PostgreSQL NOTIFY, sent at commit),
 * then invalidates every cached record of this process. Afterwards, not before: a lookup that ran while the write was
 * queued may have cached the old row, and must not be believed once the write is done.
 */
export async function afterwardsForgetCachedTokens<T>(context: RepoContext, write: () => Promise<T>, options = { announce: true }): Promise<T> {
  try {
    const result = await write()
    if (options.announce) await context.dialect.announceTokenChange?.(context.db)
    return result
  } finally {
    tokenWrites++
  }
}

interface CachedToken {
  record: ScimTokenRecord
  version: unknown
  writes: number
  at: number
}
const tokenCaches = new WeakMap<ChangeSignal, Map<string, CachedToken>>()

/**
 * The token record of an earlier request while nothing can have changed it. Every SCIM request looks its token up
 * (issue #11 measured it at ~12 % of a lookup's CPU on SQLite, and a round trip on PostgreSQL). A revocation still
 * refuses the next request from this process, and from any other process as soon as the engine's signal moves:
 * SQLite's `PRAGMA data_version` at the next request; PostgreSQL's NOTIFY within milliseconds, and a second at most
 * (`maxAgeMs`) if a notification never arrives. Only the database's own store caches (never a transaction's), and
 * only records that exist: unknown ids are read every time, so guessing fills nothing.
 */
async function cachedTokenLookup(signal: ChangeSignal, id: string, read: () => Promise<Selectable<ScimTokensTable> | undefined>): Promise<ScimTokenRecord | undefined> {
  // Both read before the row: a change that lands while the row is read makes this entry stale at once.
  const version = signal.version()
  const writes = tokenWrites
  let cache = tokenCaches.get(signal)
  if (cache === undefined) tokenCaches.set(signal, (cache = new Map()))
  const now = performance.now()
  const hit = cache.get(id)
  if (version !== undefined && hit !== undefined && hit.version === version && hit.writes === writes && now - hit.at < signal.maxAgeMs) return hit.record
  const row = await read()
  if (row === undefined) {
    cache.delete(id)
    return undefined
  }
  const record = fromTokenRow(row)
  if (version !== undefined) {
    if (cache.size >= MAX_CACHED_TOKENS) cache.clear()
    cache.set(id, { record, version, writes, at: now })
  }
  return record
}

/** SCIM bearer tokens: only the SHA-256 of the secret is stored (the Lucia model in style.md). */
export function tokensRepo(context: RepoContext) {
  const { db } = context

  return {
    async insertScimToken(token: ScimTokenRecord): Promise<void> {
      await afterwardsForgetCachedTokens(context, () => withUniqueness(
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
      const read = async () => (await tokenById.rows(context, { id }))[0]
      const signal = context.inTransaction ? undefined : context.dialect.tokenChangeSignal?.(context.db)
      if (signal !== undefined) return cachedTokenLookup(signal, id, read)
      const row = await read()
      return row === undefined ? undefined : fromTokenRow(row)
    },

    async listScimTokens(orgId: string): Promise<ScimTokenRecord[]> {
      if (!isStorableText(orgId)) return []
      const rows = await db.selectFrom('scim_tokens').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute()
      return rows.map(fromTokenRow)
    },

    async revokeScimToken(orgId: string, id: string, at: string): Promise<boolean> {
      if (!isStorableText(orgId) || !isStorableText(id)) return false
      const result = await afterwardsForgetCachedTokens(context, () =>
        db.updateTable('scim_tokens').set({ revoked_at: at }).where('org_id', '=', orgId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst(),
      )
      return result.numUpdatedRows > 0n
    },

    async touchScimToken(id: string, at: string): Promise<void> {
      if (!isStorableText(id)) return
      // Once a minute per token (LastUsedThrottle): this process's cache then shows the new time; other processes are
      // not told (a last-used time a second old is harmless, and each keeps its own throttle).
      await afterwardsForgetCachedTokens(context, () => db.updateTable('scim_tokens').set({ last_used_at: at }).where('id', '=', id).execute(), { announce: false })
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
