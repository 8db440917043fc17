import type { Selectable } from 'kysely'
import type { ScimTokenRecord } from '../orgs/types.js'
import type { ScimTokensTable } from './database.js'
import { isStorableText, withUniqueness } from './db-errors.js'
import { preparedQuery } from './prepared-query.js'
import type { RepoContext } from './repo-context.js'

/** Every SCIM request looks its token up, so this statement is built once (prepared-query.ts). */
const tokenById = preparedQuery<{ id: string }, Selectable<ScimTokensTable>>((db, p) => db.selectFrom('scim_tokens').selectAll().where('id', '=', p.id))

/** SCIM bearer tokens: only the SHA-256 of the secret is stored (the Lucia model in style.md). */
export function tokensRepo(context: RepoContext) {
  const { db } = context

  return {
    async insertScimToken(token: ScimTokenRecord): Promise<void> {
      await withUniqueness(
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
      )
    },

    async findScimToken(id: string): Promise<ScimTokenRecord | undefined> {
      // The id comes from a bearer token a client sent, so anything may arrive here.
      if (!isStorableText(id)) return undefined
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
      const result = await db
        .updateTable('scim_tokens')
        .set({ revoked_at: at })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async touchScimToken(id: string, at: string): Promise<void> {
      if (!isStorableText(id)) return
      await db.updateTable('scim_tokens').set({ last_used_at: at }).where('id', '=', id).execute()
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
