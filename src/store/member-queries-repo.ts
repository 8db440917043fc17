import { sql } from 'kysely'
import type { MemberFilter, MemberPageRequest } from '../directory/store.js'
import type { DirectoryUser } from '../directory/types.js'
import { chunk } from './batching.js'
import { isStorableText } from './db-errors.js'
import type { RepoContext } from './repo-context.js'
import { textKey } from './text-key.js'
import { fromUserRow } from './users-repo.js'

/** A store position is the creation sequence of the last row returned, as decimal text. */
const parsePosition = (after: string | undefined): number | undefined => {
  if (after === undefined) return undefined
  if (!/^\d{1,18}$/.test(after)) throw new RangeError('not a store position')
  return Number(after)
}

/**
 * The member read model's queries: keyset pages in creation order over the organization's (org_id, seq) index, the
 * filters applied to those rows, and the role-management switch's bulk steps.
 */
export function memberQueriesRepo(context: RepoContext) {
  const { db, dialect } = context

  const page = async (query: ReturnType<typeof organizationUsers>, request: MemberPageRequest) => {
    const after = parsePosition(request.after)
    const limit = Math.max(1, Math.min(Math.floor(request.limit), 10_000))
    // One row more than asked tells whether a next page exists without a COUNT.
    const rows = await (after === undefined ? query : query.where('seq', '>', after)).selectAll().orderBy('seq').limit(limit + 1).execute()
    const items = rows.slice(0, limit)
    return { items: items.map(fromUserRow), next: rows.length > limit ? String(items.at(-1)!.seq) : null }
  }
  const organizationUsers = (orgId: string) => db.selectFrom('users').where('org_id', '=', orgId)
  const drifting = (orgId: string) =>
    organizationUsers(orgId).where('directory_role', 'is not', null).where(sql.ref('directory_role'), '<>', sql.ref('role'))

  return {
    async listMembers(orgId: string, filter: MemberFilter, request: MemberPageRequest): Promise<{ items: DirectoryUser[]; next: string | null }> {
      if (!isStorableText(orgId)) return { items: [], next: null }
      let query = organizationUsers(orgId)
      if (filter.status !== undefined) query = query.where('active', '=', filter.status === 'active' ? 1 : 0)
      if (filter.role !== undefined) query = query.where('role', '=', filter.role)
      if (filter.source !== undefined) query = query.where('source', '=', filter.source)
      const search = filter.query === undefined ? '' : textKey(filter.query.trim())
      if (search !== '') {
        if (!isStorableText(search)) return { items: [], next: null }
        query = query.where(dialect.matchText(sql.ref('search_key'), 'co', search))
      }
      return page(query, request)
    },

    async countDirectoryRoleDrift(orgId: string): Promise<number> {
      const row = await drifting(orgId).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
      return Number(row.n)
    },

    listDirectoryRoleDrift: (orgId: string, request: MemberPageRequest) => page(drifting(orgId), request),

    async applyDirectoryRoles(orgId: string, userIds: string[], at: string): Promise<number> {
      let changed = 0
      for (const ids of chunk(userIds.filter(isStorableText))) {
        const result = await db
          .updateTable('users')
          .set((eb) => ({ role: eb.ref('directory_role') as never, version: eb('version', '+', 1), updated_at: at }))
          .where('org_id', '=', orgId)
          .where('id', 'in', ids)
          .where('directory_role', 'is not', null)
          .executeTakeFirst()
        changed += Number(result.numUpdatedRows)
      }
      return changed
    },
  }
}
