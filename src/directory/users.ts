import type { Clock } from '../lib/clock.js'
import { isoNow } from '../lib/iso-time.js'
import type { RoleManagement } from '../orgs/types.js'
import { newId } from '../lib/ids.js'
import { ScimError } from '../scim/errors.js'
import { applyPatch } from '../scim/patch/apply-patch.js'
import { parsePatchRequest } from '../scim/patch/parse-patch-request.js'
import { coerceResource } from '../scim/schemas/coerce-resource.js'
import { userResourceSchema } from '../scim/schemas/resource-schemas.js'
import { memberChangesOf, recordChanges, SCIM_ACTOR, type DirectoryChangeHook } from './member-changes.js'
import { statusOf } from './member.js'
import { documentRoleValue, withDocumentRole } from './roles/document-role.js'
import { liftRoleAliases } from './roles/lift-role-aliases.js'
import { reconcilePatchRoleCopies, reconcileRoleCopies } from './roles/role-copies.js'
import { parseRoleValue } from './roles/role-mapping.js'
import { rolesAfterScimWrite, rolesOfScimCreate, scimRoleOf, type MemberRoles } from './roles/role-management.js'
import { mayCarryRole, replacesRoles, roleOfWrite } from './roles/role-of-write.js'
import { checkPrecondition, type VersionPrecondition } from './version-precondition.js'
import type { DirectoryStore } from './store.js'
import type { MemberState, WriteObserver } from './write-observer.js'
import type { DirectoryUser, ListPage, ListQuery, MemberSource, Role, ScimDocument, UserGroupRef } from './types.js'
import { indexedUserFields } from './user-fields.js'

export { DEFAULT_ROLE } from './roles/role-management.js'

export interface UserDirectoryOptions {
  maxPatchOperations: number
  clock: Clock
  /** Told about accepted-but-ignored input (unknown attributes, role clears), for the provisioning log. */
  onIgnored?: (orgId: string, userId: string | undefined, notes: string[]) => void
  /** Runs inside every write's transaction with what changed (the events outbox's place); see member-changes.ts. */
  onMemberChange?: DirectoryChangeHook
}

/** A user as a write left it, and its groups when the caller asked for them (read under the write's row lock). */
export interface UserWithGroups {
  user: DirectoryUser
  groups?: UserGroupRef[]
}

/**
 * The organization's provisioned users: create, read, replace, patch, delete and list, with the role rules of the
 * seed document and the organization's role-management mode (roles/role-management.ts). Every method takes the
 * organization id; every write runs in one transaction, which ends with `recordChanges` (the outbox's place). Every
 * SCIM write sets lastProvisionedAt and takes a manual member over (source → scim).
 */
export class UserDirectory {
  readonly #store: DirectoryStore
  readonly #options: UserDirectoryOptions

  constructor(store: DirectoryStore, options: UserDirectoryOptions) {
    this.#store = store
    this.#options = options
  }

  async create(orgId: string, body: unknown, observer?: WriteObserver): Promise<DirectoryUser> {
    const { document: coerced, ignored } = coerceResource(reconcileRoleCopies(liftRoleAliases(body), undefined), userResourceSchema)
    const document = withActive(coerced, true)
    const roles = rolesOfScimCreate(roleOfWrite(document))
    const now = this.#now()
    const user = buildUser(orgId, newId('usr'), document, roles, { version: 1, createdAt: now, updatedAt: now, source: 'scim', lastProvisionedAt: now })
    await this.#store.transaction(async (tx) => {
      await tx.insertUser(user)
      await recordChanges(tx, this.#options.onMemberChange, memberChangesOf(orgId, null, user, SCIM_ACTOR))
    })
    this.#noteIgnored(orgId, user.id, ignored, observer)
    reportChange(observer, undefined, user)
    return user
  }

  async get(orgId: string, id: string): Promise<DirectoryUser> {
    return (await this.#store.findUser(orgId, id)) ?? notFound(id)
  }

  /** The user and its groups, read together (SCIM GET by id when the response shows groups). */
  async getWithGroups(orgId: string, id: string): Promise<{ user: DirectoryUser; groups: UserGroupRef[] }> {
    return (await this.#store.findUserWithGroups(orgId, id)) ?? notFound(id)
  }

  /**
   * PUT: the body replaces the document. A body without a role keeps the member's role (never a silent demotion),
   * and one without `active` keeps the user's state (never a silent re-enable of someone the directory disabled).
   */
  async replace(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<DirectoryUser> {
    return (await this.#replace(orgId, id, body, false, precondition, observer)).user
  }

  /** PUT, and the user's groups, read with the row it locks (a SCIM response shows them: no read after the commit). */
  replaceWithGroups(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<UserWithGroups> {
    return this.#replace(orgId, id, body, true, precondition, observer)
  }

  async #replace(orgId: string, id: string, body: unknown, withGroups: boolean, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<UserWithGroups> {
    const lifted = liftRoleAliases(body)
    const notes: string[] = []
    // Whether the PUT carries a role at all is known before anything is locked (which copy wins needs the stored role).
    const carriesRole = roleOfWrite(coerceResource(lifted, userResourceSchema).document) !== undefined
    let before: DirectoryUser | undefined
    let shownGroups: UserGroupRef[] | undefined
    const saved = await this.#store.transaction(async (tx) => {
      const mode = carriesRole ? await tx.findRoleManagement(orgId, { lock: 'share' }) : undefined
      const [current, groups] = await this.#lockedUser(tx, orgId, id, withGroups)
      before = current
      shownGroups = groups
      checkPrecondition('User', current, precondition)
      // Coerced against the role SCIM reads show: of two role copies, the one that differs from it is the change
      // (role-copies.ts).
      const coercion = coerceResource(reconcileRoleCopies(lifted, scimRoleOf(current)), userResourceSchema)
      notes.push(...coercion.ignored)
      const document = withActive(coercion.document, current.active)
      const roles = await rolesAfter(tx, current, roleOfWrite(document), notes, mode)
      const next = this.#provisioned(current, document, roles)
      await tx.updateUser(next, current)
      await recordChanges(tx, this.#options.onMemberChange, memberChangesOf(orgId, current, next, SCIM_ACTOR))
      return next
    })
    this.#noteIgnored(orgId, id, notes, observer)
    reportChange(observer, before, saved)
    return { user: saved, groups: shownGroups }
  }

  /** PATCH (RFC 7644 §3.5.2): all operations apply or none do. */
  async patch(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<DirectoryUser> {
    return (await this.#patch(orgId, id, body, false, precondition, observer)).user
  }

  /** PATCH, and the user's groups, read with the row it locks (a SCIM response shows them: no read after the commit). */
  patchWithGroups(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<UserWithGroups> {
    return this.#patch(orgId, id, body, true, precondition, observer)
  }

  async #patch(orgId: string, id: string, body: unknown, withGroups: boolean, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<UserWithGroups> {
    const operations = parsePatchRequest(body, { maxOperations: this.#options.maxPatchOperations })
    const notes: string[] = []
    let before: DirectoryUser | undefined
    let shownGroups: UserGroupRef[] | undefined
    const saved = await this.#store.transaction(async (tx) => {
      const mode = mayCarryRole(operations) ? await tx.findRoleManagement(orgId, { lock: 'share' }) : undefined
      const [current, groups] = await this.#lockedUser(tx, orgId, id, withGroups)
      before = current
      shownGroups = groups
      checkPrecondition('User', current, precondition)
      const result = applyPatch(current.document, reconcilePatchRoleCopies(operations, scimRoleOf(current)), userResourceSchema)
      notes.push(...result.ignored)
      const sent = roleOfWrite(result.document, { document: current.document, rolesReplaced: replacesRoles(operations) })
      if (parseRoleValue(documentRoleValue(result.document)).kind === 'empty' && documentRoleValue(current.document) !== undefined) {
        notes.push(`modernloopRole was cleared or removed; the role stays ${current.role} (Entra's Switch() sends an empty value when it cannot compute one).`)
      }
      const roles = await rolesAfter(tx, current, sent, notes, mode)
      const takesOver = current.source !== 'scim'
      // A PATCH that changes nothing is not written (Entra's hot path), unless it takes a manual member over.
      if (!result.changed && !takesOver && roles.role === current.role && roles.directoryRole === current.directoryRole) return current
      const next = this.#provisioned(current, result.document, roles)
      await tx.updateUser(next, current)
      await recordChanges(tx, this.#options.onMemberChange, memberChangesOf(orgId, current, next, SCIM_ACTOR))
      return next
    })
    this.#noteIgnored(orgId, id, notes, observer)
    reportChange(observer, before, saved)
    return { user: saved, groups: shownGroups }
  }

  async delete(orgId: string, id: string, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<void> {
    const deleted = await this.#store.transaction(async (tx) => {
      const current = (await tx.findUser(orgId, id, { forUpdate: true })) ?? notFound(id)
      checkPrecondition('User', current, precondition)
      if (!(await tx.deleteUser(orgId, id))) notFound(id)
      // In the same transaction: a sign-in that no longer finds the member finds this (no just-in-time comeback).
      await tx.insertUserTombstone({
        orgId, userId: id, userName: current.userName, externalId: current.externalId, emails: current.emails.map((e) => e.value), deletedAt: this.#now(),
      })
      await recordChanges(tx, this.#options.onMemberChange, memberChangesOf(orgId, current, null, SCIM_ACTOR))
      return current
    })
    reportChange(observer, deleted, undefined)
  }

  /** With `withGroups`, the page may carry the users' groups (`groups`); absent, ask `groupsOf`. */
  list(orgId: string, query: ListQuery, options?: { withGroups?: boolean }): Promise<ListPage<DirectoryUser> & { groups?: Map<string, UserGroupRef[]> }> {
    return this.#store.listUsers(orgId, query, options)
  }

  /** The groups of each user, for the read-only `groups` attribute. */
  groupsOf(orgId: string, userIds: string[]): Promise<Map<string, UserGroupRef[]>> {
    return userIds.length ? this.#store.groupsOfUsers(orgId, userIds) : Promise.resolve(new Map())
  }

  #now(): string {
    return isoNow(this.#options.clock)
  }

  /** The member after a SCIM write: provisioned now, and a SCIM member from now on (takeover of a manual one). */
  #provisioned(current: DirectoryUser, document: ScimDocument, roles: MemberRoles): DirectoryUser {
    const now = this.#now()
    return buildUser(current.orgId, current.id, document, roles, {
      version: current.version + 1, createdAt: current.createdAt, updatedAt: now, source: 'scim', lastProvisionedAt: now,
    })
  }

  /** The user a write locks (FOR UPDATE on PostgreSQL), and with `withGroups` its groups in the same statement. */
  async #lockedUser(tx: DirectoryStore, orgId: string, id: string, withGroups: boolean): Promise<[DirectoryUser, UserGroupRef[] | undefined]> {
    if (!withGroups) return [(await tx.findUser(orgId, id, { forUpdate: true })) ?? notFound(id), undefined]
    const found = (await tx.findUserWithGroups(orgId, id, { forUpdate: true })) ?? notFound(id)
    return [found.user, found.groups]
  }

  #noteIgnored(orgId: string, userId: string, notes: string[], observer: WriteObserver | undefined): void {
    if (!notes.length) return
    this.#options.onIgnored?.(orgId, userId, notes)
    observer?.ignored(notes)
  }
}

/**
 * The roles after a SCIM write that sent `sent`. The organization's mode matters only when the write carries a role
 * (most of Entra's PATCHes do not). Such writes read it under a share lock before locking the member (`lockedMode`),
 * the order a mode switch takes (organization, then members), so a role sent during a switch is never lost;
 * `undefined` (not read) falls back to an unlocked read.
 */
async function rolesAfter(tx: DirectoryStore, current: DirectoryUser, sent: Role | undefined, notes: string[], lockedMode?: RoleManagement): Promise<MemberRoles> {
  if (sent === undefined) return rolesAfterScimWrite('scim', current, undefined)
  const mode = lockedMode ?? (await tx.findRoleManagement(current.orgId)) ?? 'scim'
  const roles = rolesAfterScimWrite(mode, current, sent)
  if (mode === 'platform' && roles.role !== sent) {
    notes.push(`Role management is "platform": ${sent} was recorded as the directory role; the member's role stays ${roles.role} (admins change it in Roster).`)
  }
  return roles
}

const memberState = (user: DirectoryUser): MemberState =>
  ({ role: user.role, directoryRole: user.directoryRole, status: statusOf(user.active), source: user.source })

/** Reports a committed write; an unchanged user (same version) is no change. */
function reportChange(observer: WriteObserver | undefined, before: DirectoryUser | undefined, after: DirectoryUser | undefined): void {
  if (!observer || (before && after && before.version === after.version)) return
  const user = (after ?? before)!
  observer.changed({
    resourceType: 'User', resourceId: user.id, name: user.userName, before: before?.document ?? null, after: after?.document ?? null,
    member: { before: before ? memberState(before) : null, after: after ? memberState(after) : null },
  })
}

/**
 * The document with `active` written out: RFC 7643 §4.1.1 leaves the default to the service, and what Roster
 * applies is what GET must show (a filter on `active eq true` and a read must agree).
 */
function withActive(document: ScimDocument, fallback: boolean): ScimDocument {
  return typeof document.active === 'boolean' ? document : { ...document, active: fallback }
}

export interface UserRecordFields {
  version: number
  createdAt: string
  updatedAt: string
  source: MemberSource
  lastProvisionedAt: string | null
}

/** A user row from a document and its roles; the document is given the SCIM-visible role (`scimRoleOf`). */
export function buildUser(orgId: string, id: string, document: ScimDocument, roles: MemberRoles, record: UserRecordFields): DirectoryUser {
  const stored = withDocumentRole(document, scimRoleOf(roles))
  const fields = indexedUserFields(stored)
  if (!fields.userName.trim()) throw ScimError.invalidValue('userName is required and cannot be empty.')
  return { id, orgId, ...fields, role: roles.role, directoryRole: roles.directoryRole, ...record, document: stored }
}

function notFound(id: string): never {
  throw ScimError.notFound(`User "${id}" not found in this organization.`)
}
