import { sql, type Selectable } from 'kysely'
import type { Organization, RoleManagement } from '../orgs/types.js'
import type { OrganizationsTable } from './database.js'
import { assertStorable, isStorableText, withUniqueness } from './db-errors.js'
import { afterwardsForgetCachedTokens } from './tokens-repo.js'
import type { RepoContext } from './repo-context.js'

/** Organizations: the tenants every other row belongs to. */
export function orgsRepo(context: RepoContext) {
  const { db } = context

  return {
    async insertOrganization(org: Organization): Promise<void> {
      assertStorable('id', org.id)
      assertStorable('name', org.name)
      await withUniqueness(
        () =>
          db
            .insertInto('organizations')
            .values({ id: org.id, name: org.name, role_management: org.roleManagement, created_at: org.createdAt })
            .execute(),
        () => `An organization with id "${org.id}" already exists`,
      )
    },

    async findOrganization(id: string, options: { forUpdate?: boolean } = {}): Promise<Organization | undefined> {
      if (!isStorableText(id)) return undefined
      let query = db.selectFrom('organizations').selectAll().where('id', '=', id)
      if (options.forUpdate && context.dialect.supportsRowLocks) query = query.forUpdate()
      const row = await query.executeTakeFirst()
      return row === undefined ? undefined : fromOrganizationRow(row)
    },

    async findRoleManagement(orgId: string, options: { lock?: 'update' | 'share' } = {}): Promise<RoleManagement | undefined> {
      if (!isStorableText(orgId)) return undefined
      let query = db.selectFrom('organizations').select('role_management').where('id', '=', orgId)
      if (options.lock && context.dialect.supportsRowLocks) query = options.lock === 'update' ? query.forUpdate() : query.forShare()
      const row = await query.executeTakeFirst()
      return row?.role_management as RoleManagement | undefined
    },

    async setRoleManagement(orgId: string, mode: RoleManagement): Promise<void> {
      await db.updateTable('organizations').set({ role_management: mode }).where('id', '=', orgId).execute()
    },

    async lockOrganizations(): Promise<void> {
      if (!context.inTransaction) throw new Error('lockOrganizations() must run inside a transaction')
      // SQLite: the transaction began IMMEDIATE, so it already holds the only write lock.
      if (context.dialect.supportsRowLocks) await sql`lock table organizations in share row exclusive mode`.execute(db)
    },

    async pageOrganizations(page: { afterId?: string; limit: number }): Promise<Organization[]> {
      if (page.afterId !== undefined && !isStorableText(page.afterId)) return []
      let query = db.selectFrom('organizations').selectAll()
      if (page.afterId !== undefined) query = query.where('id', '>', page.afterId)
      const rows = await query.orderBy('id').limit(page.limit).execute()
      return rows.map(fromOrganizationRow)
    },

    async renameOrganization(id: string, name: string): Promise<boolean> {
      if (!isStorableText(id)) return false
      assertStorable('name', name)
      const result = await db.updateTable('organizations').set({ name }).where('id', '=', id).executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async deleteOrganization(id: string): Promise<boolean> {
      if (!isStorableText(id)) return false
      // Its tokens go with it (cascade): no cached token record may outlive them.
      // Its log too: SQLite's foreign key cascades, PostgreSQL's trigger does the same (migration 0011).
      const result = await afterwardsForgetCachedTokens(context, () => db.deleteFrom('organizations').where('id', '=', id).executeTakeFirst())
      return result.numDeletedRows > 0n
    },

    async listOrganizations(): Promise<Organization[]> {
      const rows = await db.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('id').execute()
      return rows.map(fromOrganizationRow)
    },
  }
}

function fromOrganizationRow(row: Selectable<OrganizationsTable>): Organization {
  return { id: row.id, name: row.name, roleManagement: row.role_management as RoleManagement, createdAt: row.created_at }
}
