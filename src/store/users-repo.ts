import { sql, type Selectable } from 'kysely'
import type { DirectoryUser, ListPage, ListQuery, MemberSource, Role, UserEmail, UserGroupRef } from '../directory/types.js'
import type { FilterNode } from '../scim/filter/ast.js'
import { ScimError } from '../scim/errors.js'
import { emailsOfDocument } from '../scim/user-emails.js'
import { chunk } from './batching.js'
import type { UserEmailsTable, UsersTable } from './database.js'
import { assertIndexable, assertStorable, isStorableText, withUniqueness } from './db-errors.js'
import { translateUserFilter, USER_SCHEMA } from './filter-to-sql.js'
import { listFiltered, organizationTableSource, parseDocument, positionMemory } from './filtered-list.js'
import type { KeysetListQuery, KeysetPageInfo } from '../scim/list-cursor.js'
import { searchKeyOf } from './member-search-key.js'
import { preparedQuery } from './prepared-query.js'
import { atomically, pageWindow, type RepoContext } from './repo-context.js'
import { textKey } from './text-key.js'
import { USER_COLUMNS } from './user-columns.js'
import { groupsFromColumn, userByIdWithGroups, userByIdWithGroupsForUpdate, userByNameKeyWithGroups } from './user-groups-column.js'

type UserRow = Selectable<UsersTable>

// The statements of Entra's hot paths (lookup by userName, GET/PATCH by id, POST), built once (prepared-query.ts).
const userById = preparedQuery<{ orgId: string; id: string }, UserRow>((db, p) =>
  db.selectFrom('users').select(USER_COLUMNS).where('org_id', '=', p.orgId).where('id', '=', p.id),
)
/** Row lock until the transaction ends, so concurrent PATCHes apply one after the other (PostgreSQL). */
const userByIdForUpdate = preparedQuery<{ orgId: string; id: string }, UserRow>((db, p) =>
  db.selectFrom('users').select(USER_COLUMNS).where('org_id', '=', p.orgId).where('id', '=', p.id).forUpdate(),
)
/** At most one row (unique per organization), so no ORDER BY/LIMIT: SQLite would set up a sorter for it anyway. */
const userByNameKey = preparedQuery<{ orgId: string; key: string }, UserRow>((db, p) =>
  db.selectFrom('users').select(USER_COLUMNS).where('org_id', '=', p.orgId).where('user_name_key', '=', p.key),
)
type UserColumns = Omit<UserRow, 'seq'>
/** The columns no index covers: rewriting them touches only the row's own page. */
const unindexedColumns = (p: UserColumns) => ({
  display_name: p.display_name,
  active: p.active,
  role: p.role,
  directory_role: p.directory_role,
  source: p.source,
  last_provisioned_at: p.last_provisioned_at,
  search_key: p.search_key,
  document: p.document,
  version: p.version,
  created_at: p.created_at,
  updated_at: p.updated_at,
})
const userNameColumns = (p: UserColumns) => ({ user_name: p.user_name, user_name_key: p.user_name_key })
const insertUserRow = preparedQuery<UserColumns, never>((db, p) =>
  db.insertInto('users').values({ id: p.id, org_id: p.org_id, ...userNameColumns(p), external_id: p.external_id, ...unindexedColumns(p) }),
)
/**
 * UPDATEs that set indexed columns only when they changed: SQLite rewrites every index whose columns are SET, even to
 * the same value, so a PATCH of displayName would write three pages to the WAL instead of one (measured).
 */
const updateUserRow = (userNameChanged: boolean, externalIdChanged: boolean) =>
  preparedQuery<UserColumns, never>((db, p) =>
    db
      .updateTable('users')
      .set({
        ...(userNameChanged ? userNameColumns(p) : {}),
        ...(externalIdChanged ? { external_id: p.external_id } : {}),
        ...unindexedColumns(p),
      })
      .where('org_id', '=', p.org_id)
      .where('id', '=', p.id),
  )
const updateUserRows = {
  unindexedOnly: updateUserRow(false, false),
  withExternalId: updateUserRow(false, true),
  withUserName: updateUserRow(true, false),
  everything: updateUserRow(true, true),
}
type EmailRow = Selectable<UserEmailsTable>
const insertEmailRow = preparedQuery<EmailRow, never>((db, p) =>
  db.insertInto('user_emails').values({
    org_id: p.org_id,
    user_id: p.user_id,
    value: p.value,
    value_key: p.value_key,
    type: p.type,
    type_key: p.type_key,
    is_primary: p.is_primary,
    position: p.position,
  }),
)
/** The one email Entra sends, as the combined insert below binds it. */
interface OneEmail extends Record<string, unknown> {
  email_value: string
  email_value_key: string
  email_type: string | null
  email_type_key: string | null
  email_is_primary: number
}
/**
 * PostgreSQL: a new user and its one email (what Entra sends) in one statement, a data-modifying CTE, instead of two
 * round trips in the POST's transaction. The email row selects from the inserted user, so its foreign key holds.
 * The casts give PostgreSQL the parameters' types, which a SELECT list does not.
 */
const insertUserAndEmailRow = preparedQuery<UserColumns & OneEmail, never>((db, p) =>
  db
    .with('inserted', (w) =>
      w.insertInto('users').values({ id: p.id, org_id: p.org_id, ...userNameColumns(p), external_id: p.external_id, ...unindexedColumns(p) }).returning(['id', 'org_id']),
    )
    .insertInto('user_emails')
    .columns(['org_id', 'user_id', 'value', 'value_key', 'type', 'type_key', 'is_primary', 'position'])
    .expression((eb) =>
      eb.selectFrom('inserted').select([
        'inserted.org_id',
        'inserted.id',
        sql<string>`cast(${p.email_value} as text)`.as('value'),
        sql<string>`cast(${p.email_value_key} as text)`.as('value_key'),
        sql<string | null>`cast(${p.email_type} as text)`.as('type'),
        sql<string | null>`cast(${p.email_type_key} as text)`.as('type_key'),
        sql<number>`cast(${p.email_is_primary} as integer)`.as('is_primary'),
        sql<number>`0`.as('position'),
      ]),
    ),
)
const deleteEmailsOfUser = preparedQuery<{ userId: string }, never>((db, p) => db.deleteFrom('user_emails').where('user_id', '=', p.userId))

/** The users of organizations, with the email index kept in step on every write. */
export function usersRepo(context: RepoContext) {
  const { db, dialect } = context

  return {
    async insertUser(user: DirectoryUser): Promise<void> {
      assertUserIndexable(user)
      const row = toUserRow(user)
      const insertRow = (tx: RepoContext) => withUniqueness(() => insertUserRow.run(tx, row), (target) => duplicateUserDetail(user, target))
      // One statement is atomic by itself; with emails the two inserts share a transaction.
      if (user.emails.length === 0) return void (await insertRow(context))
      const [email] = user.emails
      if (user.emails.length === 1 && dialect.engine === 'postgres' && email) {
        const withEmail = {
          ...row,
          email_value: email.value,
          email_value_key: textKey(email.value),
          email_type: email.type,
          email_type_key: email.type === null ? null : textKey(email.type),
          email_is_primary: email.primary ? 1 : 0,
        }
        return void (await withUniqueness(() => insertUserAndEmailRow.run(context, withEmail), (target) => duplicateUserDetail(user, target)))
      }
      await atomically(context, async (tx) => {
        await insertRow(tx)
        await insertEmails(tx, user)
      })
    },

    async findUser(orgId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<DirectoryUser | undefined> {
      if (!isStorableText(id) || !isStorableText(orgId)) return undefined
      const statement = options.forUpdate && dialect.supportsRowLocks ? userByIdForUpdate : userById
      const [row] = await statement.rows(context, { orgId, id })
      return row === undefined ? undefined : fromUserRow(row)
    },

    async findUserWithGroups(orgId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<{ user: DirectoryUser; groups: UserGroupRef[] } | undefined> {
      if (!isStorableText(id) || !isStorableText(orgId)) return undefined
      const statement = options.forUpdate && dialect.supportsRowLocks ? userByIdWithGroupsForUpdate : userByIdWithGroups
      const [row] = await statement(context).rows(context, { orgId, id })
      return row === undefined ? undefined : { user: fromUserRow(row), groups: groupsFromColumn(row.groups_json) }
    },

    async findUserByUserName(orgId: string, userName: string): Promise<DirectoryUser | undefined> {
      if (!isStorableText(orgId) || !isStorableText(userName)) return undefined
      const [row] = await userByNameKey.rows(context, { orgId, key: textKey(userName) })
      return row === undefined ? undefined : fromUserRow(row)
    },

    async updateUser(user: DirectoryUser, previous?: DirectoryUser): Promise<void> {
      assertUserIndexable(user)
      const row = toUserRow(user)
      const updateRow = async (tx: RepoContext) => {
        // Without the previous state every column is written (same result, more index work).
        const userNameChanged = previous === undefined || previous.userName !== user.userName
        const externalIdChanged = previous === undefined || previous.externalId !== user.externalId
        const statement = userNameChanged
          ? externalIdChanged ? updateUserRows.everything : updateUserRows.withUserName
          : externalIdChanged ? updateUserRows.withExternalId : updateUserRows.unindexedOnly
        const updated = await withUniqueness(() => statement.run(tx, row), (target) => duplicateUserDetail(user, target))
        if (updated === 0n) throw ScimError.notFound(`User ${user.id} not found`)
      }
      // Most PATCHes (active, names, role) leave the emails alone; then the email index needs no rewrite, and the
      // UPDATE alone is atomic (PATCH and PUT already run it inside their read-modify-write transaction).
      if (previous && sameEmails(previous.emails, user.emails)) return updateRow(context)
      await atomically(context, async (tx) => {
        await updateRow(tx)
        await deleteEmailsOfUser.run(tx, { userId: user.id })
        await insertEmails(tx, user)
      })
    },

    async deleteUser(orgId: string, id: string): Promise<boolean> {
      if (!isStorableText(id) || !isStorableText(orgId)) return false
      // user_emails and group_members rows go with it (ON DELETE CASCADE).
      const result = await db.deleteFrom('users').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async listUsers(
      orgId: string,
      query: ListQuery & KeysetListQuery,
      options: { withGroups?: boolean } = {},
    ): Promise<ListPage<DirectoryUser> & KeysetPageInfo & { groups?: Map<string, UserGroupRef[]> }> {
      const key = query.seek === undefined ? userNameLookupKey(query.filter) : undefined
      if (key !== undefined) {
        // Entra's lookup and Test Connection probe: at most one row, so it is the whole list and pages in memory.
        const { offset, limit } = pageWindow(query.startIndex, query.count)
        if (!options.withGroups) {
          const rows = isStorableText(orgId) ? await userByNameKey.rows(context, { orgId, key }) : []
          return { totalResults: rows.length, items: rows.slice(offset, offset + limit).map(fromUserRow) }
        }
        const rows = isStorableText(orgId) ? await userByNameKeyWithGroups(context).rows(context, { orgId, key }) : []
        const shown = rows.slice(offset, offset + limit)
        return {
          totalResults: rows.length,
          items: shown.map(fromUserRow),
          groups: new Map(shown.map((row) => [row.id, groupsFromColumn(row.groups_json)])),
        }
      }
      const { where, residual } = translateUserFilter(query.filter, dialect, orgId)
      const page = await listFiltered(organizationTableSource(db, 'users', orgId, where), residual, USER_SCHEMA, query, positionMemory(context, orgId, 'users', query.filter))
      return { ...page, items: page.items.map(fromUserRow) }
    },
  }

  async function insertEmails(tx: RepoContext, user: DirectoryUser): Promise<void> {
    const rows = user.emails.map((email, position): EmailRow => ({
      org_id: user.orgId,
      user_id: user.id,
      value: email.value,
      value_key: textKey(email.value),
      type: email.type,
      type_key: email.type === null ? null : textKey(email.type),
      is_primary: email.primary ? 1 : 0,
      position,
    }))
    // Entra sends one email: that insert is prepared; longer lists go in multi-row statements.
    if (rows.length === 1) return void (await insertEmailRow.run(tx, rows[0]!))
    for (const slice of chunk(rows)) await tx.db.insertInto('user_emails').values(slice).execute()
  }

}

/**
 * The user_name_key a filter of exactly `userName eq "…"` pins (unique per organization), else undefined. Values
 * with NUL are left to the general path, which rejects them (filter-to-sql.ts).
 */
function userNameLookupKey(filter: FilterNode | undefined): string | undefined {
  if (filter?.kind !== 'compare' || filter.operator !== 'eq' || typeof filter.value !== 'string') return undefined
  const { schema, attribute, subAttribute } = filter.path
  if (attribute !== 'username' || subAttribute !== undefined || (schema !== undefined && schema !== USER_SCHEMA)) return undefined
  return isStorableText(filter.value) ? textKey(filter.value) : undefined
}

/** Same index rows: value, type and primary in the same order. */
function sameEmails(left: readonly UserEmail[], right: readonly UserEmail[]): boolean {
  return left.length === right.length && left.every((email, i) => {
    const other = right[i]!
    return email.value === other.value && email.type === other.type && email.primary === other.primary
  })
}

function toUserRow(user: DirectoryUser): Omit<UserRow, 'seq'> {
  return {
    id: user.id,
    org_id: user.orgId,
    user_name: user.userName,
    user_name_key: textKey(user.userName),
    external_id: user.externalId,
    display_name: user.displayName,
    active: user.active ? 1 : 0,
    role: user.role,
    directory_role: user.directoryRole,
    source: user.source,
    last_provisioned_at: user.lastProvisionedAt,
    search_key: searchKeyOf(user.document),
    document: JSON.stringify(user.document),
    version: user.version,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
}

/** The email index only serves queries: a read takes the emails from the document, saving a query per read. */
export function fromUserRow(row: UserRow): DirectoryUser {
  const document = parseDocument(row.document)
  return {
    id: row.id,
    orgId: row.org_id,
    userName: row.user_name,
    externalId: row.external_id,
    displayName: row.display_name,
    active: row.active === 1,
    role: row.role as Role,
    directoryRole: row.directory_role as Role | null,
    source: row.source as MemberSource,
    lastProvisionedAt: row.last_provisioned_at,
    emails: emailsOfDocument(document),
    document,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function assertUserIndexable(user: DirectoryUser): void {
  assertIndexable('userName', user.userName, true)
  assertIndexable('externalId', user.externalId)
  assertStorable('displayName', user.displayName)
  for (const email of user.emails) {
    assertIndexable('emails.value', email.value, true)
    assertIndexable('emails.type', email.type, true)
  }
}

function duplicateUserDetail(user: DirectoryUser, target: string): string {
  if (target.includes('user_name')) return `userName "${user.userName}" is already taken in this organization`
  return `A user with id "${user.id}" already exists`
}
