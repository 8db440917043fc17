import type { Selectable } from 'kysely'
import type { ApiKeyRecord } from '../orgs/types.js'
import type { ApiKeysTable } from './database.js'
import { isStorableText, withUniqueness } from './db-errors.js'
import type { RepoContext } from './repo-context.js'

/** API keys of the host product: only the SHA-256 of the secret is stored, as for SCIM tokens. */
export function apiKeysRepo(context: RepoContext) {
  const { db } = context

  return {
    async insertApiKey(key: ApiKeyRecord): Promise<void> {
      await withUniqueness(
        () =>
          db
            .insertInto('api_keys')
            .values({
              id: key.id,
              org_id: key.orgId,
              secret_hash: key.secretHash,
              created_at: key.createdAt,
              last_used_at: key.lastUsedAt,
              revoked_at: key.revokedAt,
            })
            .execute(),
        () => `An API key with id "${key.id}" already exists`,
      )
    },

    async findApiKey(id: string): Promise<ApiKeyRecord | undefined> {
      if (!isStorableText(id)) return undefined
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : fromApiKeyRow(row)
    },

    async listApiKeys(orgId?: string | null): Promise<ApiKeyRecord[]> {
      let query = db.selectFrom('api_keys').selectAll()
      if (orgId === null) query = query.where('org_id', 'is', null)
      else if (orgId !== undefined) {
        if (!isStorableText(orgId)) return []
        query = query.where('org_id', '=', orgId)
      }
      const rows = await query.orderBy('created_at').orderBy('id').execute()
      return rows.map(fromApiKeyRow)
    },

    async revokeApiKey(id: string, at: string, orgId?: string): Promise<boolean> {
      if (!isStorableText(id) || (orgId !== undefined && !isStorableText(orgId))) return false
      let query = db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null)
      if (orgId !== undefined) query = query.where('org_id', '=', orgId)
      const result = await query.executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async touchApiKey(id: string, at: string): Promise<void> {
      if (!isStorableText(id)) return
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute()
    },
  }
}

function fromApiKeyRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}
