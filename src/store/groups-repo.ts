import type { Selectable } from 'kysely'
import type { DirectoryGroup, ListPage, ListQuery } from '../directory/types.js'
import { ScimError } from '../scim/errors.js'
import type { GroupsTable } from './database.js'
import { assertIndexable, isStorableText, withUniqueness } from './db-errors.js'
import { GROUP_SCHEMA, translateGroupFilter } from './filter-to-sql.js'
import { listFiltered, organizationTableSource, parseDocument, positionMemory } from './filtered-list.js'
import type { KeysetListQuery, KeysetPageInfo } from '../scim/list-cursor.js'
import type { RepoContext } from './repo-context.js'
import { textKey } from './text-key.js'

type GroupRow = Selectable<GroupsTable>

/** Groups of organizations; their members live in group_members (see members-repo.ts). */
export function groupsRepo(context: RepoContext) {
  const { db, dialect } = context

  return {
    async insertGroup(group: DirectoryGroup): Promise<void> {
      assertGroupIndexable(group)
      await withUniqueness(
        () => db.insertInto('groups').values(toGroupRow(group)).execute(),
        (target) => duplicateGroupDetail(group, target),
      )
    },

    async findGroup(orgId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<DirectoryGroup | undefined> {
      if (!isStorableText(id) || !isStorableText(orgId)) return undefined
      let query = db.selectFrom('groups').selectAll().where('org_id', '=', orgId).where('id', '=', id)
      if (options.forUpdate && dialect.supportsRowLocks) query = query.forUpdate()
      const row = await query.executeTakeFirst()
      return row === undefined ? undefined : fromGroupRow(row)
    },

    async updateGroup(group: DirectoryGroup): Promise<void> {
      assertGroupIndexable(group)
      const { id, org_id, ...changes } = toGroupRow(group)
      const result = await withUniqueness(
        () => db.updateTable('groups').set(changes).where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst(),
        (target) => duplicateGroupDetail(group, target),
      )
      if (result.numUpdatedRows === 0n) throw ScimError.notFound(`Group ${group.id} not found`)
    },

    async deleteGroup(orgId: string, id: string): Promise<boolean> {
      if (!isStorableText(id) || !isStorableText(orgId)) return false
      // Its group_members rows go with it (ON DELETE CASCADE).
      const result = await db.deleteFrom('groups').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async pageGroups(orgId: string, page: { afterId?: string; limit: number }): Promise<DirectoryGroup[]> {
      if (!isStorableText(orgId) || (page.afterId !== undefined && !isStorableText(page.afterId))) return []
      let query = db.selectFrom('groups').selectAll().where('org_id', '=', orgId)
      if (page.afterId !== undefined) query = query.where('id', '>', page.afterId)
      return (await query.orderBy('id').limit(page.limit).execute()).map(fromGroupRow)
    },

    async listGroups(orgId: string, query: ListQuery & KeysetListQuery): Promise<ListPage<DirectoryGroup> & KeysetPageInfo> {
      const { where, residual } = translateGroupFilter(query.filter, dialect, orgId)
      const page = await listFiltered(organizationTableSource(db, 'groups', orgId, where), residual, GROUP_SCHEMA, query, positionMemory(context, orgId, 'groups', query.filter))
      return { ...page, items: page.items.map(fromGroupRow) }
    },
  }
}

function toGroupRow(group: DirectoryGroup): Omit<GroupRow, 'seq'> {
  return {
    id: group.id,
    org_id: group.orgId,
    display_name: group.displayName,
    display_name_key: textKey(group.displayName),
    external_id: group.externalId,
    document: JSON.stringify(group.document),
    version: group.version,
    created_at: group.createdAt,
    updated_at: group.updatedAt,
  }
}

function fromGroupRow(row: GroupRow): DirectoryGroup {
  return {
    id: row.id,
    orgId: row.org_id,
    displayName: row.display_name,
    externalId: row.external_id,
    document: parseDocument(row.document),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function assertGroupIndexable(group: DirectoryGroup): void {
  assertIndexable('displayName', group.displayName, true)
  assertIndexable('externalId', group.externalId)
}

function duplicateGroupDetail(group: DirectoryGroup, target: string): string {
  if (target.includes('display_name')) return `displayName "${group.displayName}" is already taken by another group in this organization`
  return `A group with id "${group.id}" already exists`
}
