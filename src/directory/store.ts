import type { OutboxStore } from '../events/outbox.js'
import type { RoleManagement } from '../orgs/types.js'
import type { MemberStatus } from './member.js'
import type { DirectoryGroup, DirectoryUser, GroupMember, ListPage, ListQuery, MemberSource, Role, TombstoneKeys, TombstoneMatch, UserGroupRef, UserTombstone } from './types.js'

/** Filters of a member list; all optional, combined with AND. */
export interface MemberFilter {
  status?: MemberStatus
  role?: Role
  source?: MemberSource
  /** Case-insensitive substring of userName, displayName, name (given, family, formatted) or an email address. */
  query?: string
}

/** A keyset page: `after` is the `next` of the previous page (a store position, opaque to callers). */
export interface MemberPageRequest {
  after?: string
  limit: number
}

/**
 * What the directory domain needs from persistence. Every method takes `orgId` explicitly:
 * tenancy is never state on a shared object. Implemented by `src/store/`.
 *
 * Uniqueness (userName, group displayName: case-insensitive per organization) is enforced by
 * database constraints; a violation surfaces as `ScimError` 409 `uniqueness`.
 */
export interface DirectoryStore extends OutboxStore {
  /** Runs `work` in one database transaction, with a store bound to that transaction (events go in it too). */
  transaction<T>(work: (store: DirectoryStore) => Promise<T>): Promise<T>

  insertUser(user: DirectoryUser): Promise<void>
  /** `forUpdate` locks the row until the transaction ends (PostgreSQL `FOR UPDATE`). */
  findUser(orgId: string, id: string, options?: { forUpdate?: boolean }): Promise<DirectoryUser | undefined>
  /**
   * Writes every field of `user` (matched by orgId and id), including the email index. With `previous` (the user as
   * read in this transaction) the store may skip index rows that did not change.
   */
  updateUser(user: DirectoryUser, previous?: DirectoryUser): Promise<void>
  /** Deletes the user and its memberships; false when there was no such user. */
  deleteUser(orgId: string, id: string): Promise<boolean>
  /** Records a deleted user's identifiers (in the deleting transaction): see UserTombstone. */
  insertUserTombstone(tombstone: UserTombstone): Promise<void>
  /**
   * The most recent tombstone of the organization carrying any of `keys` (userNames and emails compared as the user
   * indexes compare them, externalIds exactly): indexed reads; undefined when none.
   */
  findUserTombstone(orgId: string, keys: TombstoneKeys): Promise<TombstoneMatch | undefined>
  /**
   * A user and its groups in one read (GET by id, and a write's locked read when its response shows groups: one round
   * trip, not two); `forUpdate` as for findUser. Undefined when there is no such user.
   */
  findUserWithGroups(orgId: string, id: string, options?: { forUpdate?: boolean }): Promise<{ user: DirectoryUser; groups: UserGroupRef[] } | undefined>
  /**
   * Filtered, paged list in creation order. Indexed attributes are queried in SQL. With `withGroups` the store may
   * return the listed users' groups too (`groups`, read in the same statement: Entra's lookup); when it does not,
   * the caller asks `groupsOfUsers`.
   */
  listUsers(orgId: string, query: ListQuery, options?: { withGroups?: boolean }): Promise<ListPage<DirectoryUser> & { groups?: Map<string, UserGroupRef[]> }>
  /** By userName, compared as the unique index does (case-insensitive, NFC): one indexed read. */
  findUserByUserName(orgId: string, userName: string): Promise<DirectoryUser | undefined>
  /** Members in creation order, filtered, keyset-paged (no OFFSET): `next` is null on the last page. */
  listMembers(orgId: string, filter: MemberFilter, page: MemberPageRequest): Promise<{ items: DirectoryUser[]; next: string | null }>
  /**
   * The organization's role-management mode; undefined when there is no such organization. `lock` locks its row until
   * the transaction ends (PostgreSQL): `update` for a switch or an admin's role change, `share` for SCIM writes that
   * carry a role, so that they serialize with a switch (always organization row first, then member rows).
   */
  findRoleManagement(orgId: string, options?: { lock?: 'update' | 'share' }): Promise<RoleManagement | undefined>
  setRoleManagement(orgId: string, mode: RoleManagement): Promise<void>
  /** How many members have a directory role that differs from their role (what a switch to `scim` would change). */
  countDirectoryRoleDrift(orgId: string): Promise<number>
  /** Up to `limit` such members after store position `after`, in creation order, with the position to go on from. */
  listDirectoryRoleDrift(orgId: string, page: MemberPageRequest): Promise<{ items: DirectoryUser[]; next: string | null }>
  /** Sets role = directoryRole (and bumps version, updated_at) for the listed members that have a directory role. */
  applyDirectoryRoles(orgId: string, userIds: string[], at: string): Promise<number>
  /** The groups of each of `userIds` (for the users' read-only `groups` attribute). */
  groupsOfUsers(orgId: string, userIds: string[]): Promise<Map<string, UserGroupRef[]>>

  insertGroup(group: DirectoryGroup): Promise<void>
  findGroup(orgId: string, id: string, options?: { forUpdate?: boolean }): Promise<DirectoryGroup | undefined>
  updateGroup(group: DirectoryGroup): Promise<void>
  deleteGroup(orgId: string, id: string): Promise<boolean>
  listGroups(orgId: string, query: ListQuery): Promise<ListPage<DirectoryGroup>>
  /** Groups in id order after `afterId`, at most `limit` (keyset paging for the API). */
  pageGroups(orgId: string, page: { afterId?: string; limit: number }): Promise<DirectoryGroup[]>

  /** Of `userIds`, those that are not users of the organization. */
  findUnknownUserIds(orgId: string, userIds: string[]): Promise<string[]>
  /** Adds members; already-present members are left as they are. Cost is per added member. Returns the ids really added. */
  addGroupMembers(orgId: string, groupId: string, userIds: string[]): Promise<string[]>
  /** Removes the listed members; absent ones are ignored. Returns the ids really removed. */
  removeGroupMembers(orgId: string, groupId: string, userIds: string[]): Promise<string[]>
  /** Returns the ids removed. */
  removeAllGroupMembers(orgId: string, groupId: string): Promise<string[]>
  /**
   * Members in stable order, `limit` at a time after `afterUserId` (keyset paging), so that a
   * group of 100,000 is streamed without one giant array.
   */
  listGroupMembers(orgId: string, groupId: string, page: { afterUserId?: string; limit: number }): Promise<GroupMember[]>
}
