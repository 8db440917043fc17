import { sql } from 'kysely'
import type { GroupMember, UserGroupRef } from '../directory/types.js'
import { chunk } from './batching.js'
import { isStorableText } from './db-errors.js'
import { preparedQuery } from './prepared-query.js'
import type { RepoContext } from './repo-context.js'

/** The groups of one user: every single-user response (GET, PATCH, POST, lookup) reads them, so it is prepared. */
const groupsOfOneUser = preparedQuery<{ orgId: string; userId: string }, { user_id: string; id: string; display_name: string }>((db, p) =>
  db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select(['gm.user_id', 'g.id', 'g.display_name'])
    .where('gm.org_id', '=', p.orgId)
    .where('gm.user_id', '=', p.userId)
    .orderBy('g.seq'),
)

/** Distinct ids, first occurrence order, without ones no row can have (NUL breaks PostgreSQL parameters). */
const distinctStorable = (ids: readonly string[]): string[] => [...new Set(ids)].filter(isStorableText)

/**
 * Group memberships, built for groups of 100,000 members: adding costs per added member (batched
 * INSERT … ON CONFLICT DO NOTHING), removing is an indexed DELETE, reading is keyset-paged.
 */
export function membersRepo(context: RepoContext) {
  const { db } = context

  return {
    async findUnknownUserIds(orgId: string, userIds: string[]): Promise<string[]> {
      const known = new Set<string>()
      // Lock order (README, "Limits and guarantees"): a group write locks its group row, then the users it adds, in
      // id order, FOR KEY SHARE, before it touches any membership row; a user delete locks the user row, then its
      // membership rows. So a user deleted while a group adds it either goes first (the add sees it gone: 400 listing
      // it) or waits for the add to commit (its memberships are deleted with it): no deadlock, no dangling row.
      // SQLite needs none of this: write transactions are serialized (BEGIN IMMEDIATE).
      const lock = context.inTransaction && context.dialect.engine === 'postgres'
      for (const ids of chunk(distinctStorable(userIds).sort())) {
        // By id alone, organization checked here: with `org_id = ?` in SQL, SQLite without fresh statistics walks
        // the organization's users (users_org_seq) instead of probing 500 ids, a cost that grows with the org.
        const query = db.selectFrom('users').select(['id', 'org_id']).where('id', 'in', ids)
        const rows = lock ? await query.orderBy('id').forKeyShare().execute() : await query.execute()
        for (const row of rows) if (row.org_id === orgId) known.add(row.id)
      }
      return [...new Set(userIds)].filter((id) => !known.has(id))
    },

    async addGroupMembers(orgId: string, groupId: string, userIds: string[]): Promise<string[]> {
      if (!isStorableText(groupId)) return []
      const added: string[] = []
      for (const ids of chunk(distinctStorable(userIds))) {
        // INSERT … SELECT keeps tenancy in SQL: only the organization's own users join its own group.
        const rows = await db
          .insertInto('group_members')
          .columns(['org_id', 'group_id', 'user_id'])
          .expression(
            db
              .selectFrom(['users as u', 'groups as g'])
              .select(['g.org_id', 'g.id as group_id', 'u.id as user_id'])
              .where('g.id', '=', groupId)
              .where('g.org_id', '=', orgId)
              .where('u.id', 'in', ids)
              // `|| ''` keeps the planner probing users by id (see findUnknownUserIds) while still refusing
              // another organization's users; it works the same in SQLite and PostgreSQL.
              .where(sql<string>`${sql.ref('u.org_id')} || ''`, '=', orgId),
          )
          .onConflict((conflict) => conflict.columns(['group_id', 'user_id']).doNothing())
          // Only rows really inserted come back: the group's events name who was added, not who was re-sent.
          .returning('user_id')
          .execute()
        for (const row of rows) added.push(row.user_id)
      }
      return added
    },

    async removeGroupMembers(orgId: string, groupId: string, userIds: string[]): Promise<string[]> {
      if (!isStorableText(groupId)) return []
      const removed: string[] = []
      for (const ids of chunk(distinctStorable(userIds))) {
        const rows = await db
          .deleteFrom('group_members')
          .where('org_id', '=', orgId)
          .where('group_id', '=', groupId)
          .where('user_id', 'in', ids)
          .returning('user_id')
          .execute()
        for (const row of rows) removed.push(row.user_id)
      }
      return removed
    },

    async removeAllGroupMembers(orgId: string, groupId: string): Promise<string[]> {
      if (!isStorableText(groupId)) return []
      const rows = await db.deleteFrom('group_members').where('org_id', '=', orgId).where('group_id', '=', groupId).returning('user_id').execute()
      return rows.map((row) => row.user_id)
    },

    async listGroupMembers(orgId: string, groupId: string, page: { afterUserId?: string; limit: number }): Promise<GroupMember[]> {
      const limit = Math.min(Math.floor(page.limit), Number.MAX_SAFE_INTEGER)
      if (!(limit > 0) || !isStorableText(groupId) || (page.afterUserId !== undefined && !isStorableText(page.afterUserId))) return []
      let query = db
        .selectFrom('group_members as gm')
        .innerJoin('users as u', 'u.id', 'gm.user_id')
        .select(['gm.user_id', 'u.display_name', 'u.user_name'])
        .where('gm.org_id', '=', orgId)
        .where('gm.group_id', '=', groupId)
      if (page.afterUserId !== undefined) query = query.where('gm.user_id', '>', page.afterUserId)
      const rows = await query.orderBy('gm.user_id').limit(limit).execute()
      // SCIM's members[].display (RFC 7643 §4.2): the user's displayName, else the userName.
      return rows.map((row) => ({ userId: row.user_id, display: row.display_name ?? row.user_name }))
    },

    async groupsOfUsers(orgId: string, userIds: string[]): Promise<Map<string, UserGroupRef[]>> {
      const groups = new Map<string, UserGroupRef[]>(userIds.map((id) => [id, []]))
      const distinct = distinctStorable(userIds)
      if (distinct.length === 1) {
        const rows = await groupsOfOneUser.rows(context, { orgId, userId: distinct[0]! })
        groups.set(distinct[0]!, rows.map((row) => ({ groupId: row.id, displayName: row.display_name })))
        return groups
      }
      for (const ids of chunk(distinct)) {
        const rows = await db
          .selectFrom('group_members as gm')
          .innerJoin('groups as g', 'g.id', 'gm.group_id')
          .select(['gm.user_id', 'g.id', 'g.display_name'])
          .where('gm.org_id', '=', orgId)
          .where('gm.user_id', 'in', ids)
          .orderBy('g.seq')
          .execute()
        for (const row of rows) groups.get(row.user_id)?.push({ groupId: row.id, displayName: row.display_name })
      }
      return groups
    },
  }
}
