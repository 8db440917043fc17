import { sql, type Selectable } from 'kysely'
import type { ConsoleSessionRecord, LoginLinkRecord, MemberAccessFacts, WithMember } from '../directory/console-access/session-store.js'
import { ROLES, type Role } from '../directory/types.js'
import type { ConsoleLoginLinksTable, ConsoleSessionsTable } from './database.js'
import type { RepoContext } from './repo-context.js'

/**
 * Console login links and sessions. Each lookup reads the record and its member's `active` and `role` in one
 * statement (two primary-key probes), which is the per-request access check of the console.
 */
export function sessionsRepo(context: RepoContext) {
  const { db } = context

  return {
    async insertLoginLink(link: LoginLinkRecord): Promise<void> {
      await db
        .insertInto('console_login_links')
        .values({
          id: link.id,
          org_id: link.orgId,
          member_id: link.memberId,
          secret_hash: link.secretHash,
          created_at: link.createdAt,
          expires_at: link.expiresAt,
          used_at: link.usedAt,
        })
        .execute()
    },

    async findLoginLink(id: string): Promise<WithMember<LoginLinkRecord> | undefined> {
      const row = await db
        .selectFrom('console_login_links as l')
        .leftJoin('users as u', (join) => join.onRef('u.id', '=', 'l.member_id').onRef('u.org_id', '=', 'l.org_id'))
        .selectAll('l')
        .select(['u.active as member_active', 'u.role as member_role'])
        .where('l.id', '=', id)
        .executeTakeFirst()
      if (row === undefined) return undefined
      return { record: fromLinkRow(row), member: memberFacts(row.member_active, row.member_role) }
    },

    async markLoginLinkUsed(id: string, at: string): Promise<boolean> {
      const result = await db.updateTable('console_login_links').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async insertConsoleSession(session: ConsoleSessionRecord): Promise<void> {
      await db
        .insertInto('console_sessions')
        .values({
          id: session.id,
          org_id: session.orgId,
          member_id: session.memberId,
          secret_hash: session.secretHash,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
        })
        .execute()
    },

    async findConsoleSession(id: string): Promise<WithMember<ConsoleSessionRecord> | undefined> {
      const row = await db
        .selectFrom('console_sessions as s')
        .leftJoin('users as u', (join) => join.onRef('u.id', '=', 's.member_id').onRef('u.org_id', '=', 's.org_id'))
        .selectAll('s')
        .select(['u.active as member_active', 'u.role as member_role'])
        .where('s.id', '=', id)
        .executeTakeFirst()
      if (row === undefined) return undefined
      return { record: fromSessionRow(row), member: memberFacts(row.member_active, row.member_role) }
    },

    async endConsoleSessionForLostAccess(id: string): Promise<void> {
      await db.updateTable('console_sessions').set({ expires_at: sql`created_at` }).where('id', '=', id).execute()
    },

    async deleteConsoleSession(id: string): Promise<void> {
      await db.deleteFrom('console_sessions').where('id', '=', id).execute()
    },

    async deleteExpiredConsoleAccess(before: string): Promise<void> {
      await db.deleteFrom('console_login_links').where('expires_at', '<', before).execute()
      await db.deleteFrom('console_sessions').where('expires_at', '<', before).execute()
    },
  }
}

function memberFacts(active: number | null, role: string | null): MemberAccessFacts | undefined {
  if (active === null || role === null || !(ROLES as readonly string[]).includes(role)) return undefined
  return { active: Number(active) === 1, role: role as Role }
}

function fromLinkRow(row: Selectable<ConsoleLoginLinksTable>): LoginLinkRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    memberId: row.member_id,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  }
}

function fromSessionRow(row: Selectable<ConsoleSessionsTable>): ConsoleSessionRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    memberId: row.member_id,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }
}
