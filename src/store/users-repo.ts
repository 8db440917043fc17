import type { Kysely, Selectable } from 'kysely'
import type { DirectoryUser, ListPage, ListQuery, Role } from '../directory/types.js'
import { ScimError } from '../scim/errors.js'
import { emailsOfDocument } from '../scim/user-emails.js'
import { chunk } from './batching.js'
import type { Database, UsersTable } from './database.js'
import { assertIndexable, assertStorable, isStorableText, withUniqueness } from './db-errors.js'
import { translateUserFilter, USER_SCHEMA } from './filter-to-sql.js'
import { listFiltered, parseDocument } from './filtered-list.js'
import { atomically, type RepoContext } from './repo-context.js'

type UserRow = Selectable<UsersTable>

/** The users of organizations, with the email index kept in step on every write. */
export function usersRepo(context: RepoContext) {
  const { db, dialect } = context

  return {
    async insertUser(user: DirectoryUser): Promise<void> {
      assertUserIndexable(user)
      await atomically(context, async (tx) => {
        await withUniqueness(
          () => tx.insertInto('users').values(toUserRow(user)).execute(),
          (target) => duplicateUserDetail(user, target),
        )
        await insertEmails(tx, user)
      })
    },

    async findUser(orgId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<DirectoryUser | undefined> {
      if (!isStorableText(id) || !isStorableText(orgId)) return undefined
      let query = db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', id)
      // Row lock until the transaction ends, so concurrent PATCHes apply one after the other.
      if (options.forUpdate && dialect.supportsRowLocks) query = query.forUpdate()
      const row = await query.executeTakeFirst()
      return row === undefined ? undefined : fromUserRow(row)
    },

    async updateUser(user: DirectoryUser, previous?: DirectoryUser): Promise<void> {
      assertUserIndexable(user)
      const { id, org_id, ...changes } = toUserRow(user)
      await atomically(context, async (tx) => {
        const result = await withUniqueness(
          () => tx.updateTable('users').set(changes).where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst(),
          (target) => duplicateUserDetail(user, target),
        )
        if (result.numUpdatedRows === 0n) throw ScimError.notFound(`User ${user.id} not found`)
        // Most PATCHes (active, names, role) leave the emails alone; then the email index needs no rewrite.
        if (previous && JSON.stringify(previous.emails) === JSON.stringify(user.emails)) return
        await tx.deleteFrom('user_emails').where('user_id', '=', user.id).execute()
        await insertEmails(tx, user)
      })
    },

    async deleteUser(orgId: string, id: string): Promise<boolean> {
      if (!isStorableText(id) || !isStorableText(orgId)) return false
      // user_emails and group_members rows go with it (ON DELETE CASCADE).
      const result = await db.deleteFrom('users').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async listUsers(orgId: string, query: ListQuery): Promise<ListPage<DirectoryUser>> {
      const { where, residual } = translateUserFilter(query.filter, dialect, orgId)
      const matching = () => {
        const base = db.selectFrom('users').where('org_id', '=', orgId)
        return where === undefined ? base : base.where(where)
      }
      const page = await listFiltered<UserRow>(
        {
          count: async () => Number((await matching().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
          page: (offset, limit) => matching().selectAll().orderBy('seq').limit(limit).offset(offset).execute(),
          batchAfter: (afterSeq, limit) => {
            const rows = matching().selectAll()
            return (afterSeq === undefined ? rows : rows.where('seq', '>', afterSeq)).orderBy('seq').limit(limit).execute()
          },
          seqOf: (row) => row.seq,
          resourceOf: (row) => ({
            ...parseDocument(row.document),
            id: row.id,
            meta: { resourceType: 'User', created: row.created_at, lastModified: row.updated_at },
          }),
        },
        residual,
        USER_SCHEMA,
        query,
      )
      return { totalResults: page.totalResults, items: page.items.map(fromUserRow) }
    },
  }

  async function insertEmails(tx: Kysely<Database>, user: DirectoryUser): Promise<void> {
    const rows = user.emails.map((email, position) => ({
      org_id: user.orgId,
      user_id: user.id,
      value: email.value,
      value_key: email.value.toLowerCase(),
      type: email.type,
      type_key: email.type === null ? null : email.type.toLowerCase(),
      is_primary: email.primary ? 1 : 0,
      position,
    }))
    for (const slice of chunk(rows)) await tx.insertInto('user_emails').values(slice).execute()
  }

}

function toUserRow(user: DirectoryUser): Omit<UserRow, 'seq'> {
  return {
    id: user.id,
    org_id: user.orgId,
    user_name: user.userName,
    user_name_key: user.userName.toLowerCase(),
    external_id: user.externalId,
    display_name: user.displayName,
    active: user.active ? 1 : 0,
    role: user.role,
    document: JSON.stringify(user.document),
    version: user.version,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
}

/** The email index only serves queries: a read takes the emails from the document, saving a query per read. */
function fromUserRow(row: UserRow): DirectoryUser {
  const document = parseDocument(row.document)
  return {
    id: row.id,
    orgId: row.org_id,
    userName: row.user_name,
    externalId: row.external_id,
    displayName: row.display_name,
    active: row.active === 1,
    role: row.role as Role,
    emails: emailsOfDocument(document),
    document,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function assertUserIndexable(user: DirectoryUser): void {
  assertIndexable('userName', user.userName)
  assertIndexable('externalId', user.externalId)
  assertStorable('displayName', user.displayName)
  for (const email of user.emails) {
    assertIndexable('emails.value', email.value)
    assertIndexable('emails.type', email.type)
  }
}

function duplicateUserDetail(user: DirectoryUser, target: string): string {
  if (target.includes('user_name')) return `userName "${user.userName}" is already taken in this organization`
  return `A user with id "${user.id}" already exists`
}
