import type { Clock } from '../lib/clock.js'
import { newId } from '../lib/ids.js'
import { ScimError } from '../scim/errors.js'
import { applyPatch } from '../scim/patch/apply-patch.js'
import { parsePatchRequest } from '../scim/patch/parse-patch-request.js'
import { coerceResource } from '../scim/schemas/coerce-resource.js'
import { userResourceSchema } from '../scim/schemas/resource-schemas.js'
import { liftRoleAliases } from './lift-role-aliases.js'
import { reconcilePatchRoleCopies, reconcileRoleCopies } from './role-copies.js'
import { checkPrecondition, type VersionPrecondition } from './version-precondition.js'
import { parseRoleValue } from './role-mapping.js'
import { replacesRoles, roleOfWrite } from './role-of-write.js'
import type { DirectoryStore } from './store.js'
import type { DirectoryUser, ListPage, ListQuery, Role, ScimDocument, UserGroupRef } from './types.js'
import { documentRoleValue, indexedUserFields, withDocumentRole } from './user-fields.js'

/** A role given to users Entra creates without one (the seed document's mapping default). */
export const DEFAULT_ROLE: Role = 'INTERVIEWER'

export interface UserDirectoryOptions {
  maxPatchOperations: number
  clock: Clock
  /** Told about accepted-but-ignored input (unknown attributes, role clears), for the provisioning log. */
  onIgnored?: (orgId: string, userId: string | undefined, notes: string[]) => void
}


/**
 * The organization's provisioned users: create, read, replace, patch, delete and list, with the role rules of the
 * seed document. Every method takes the organization id; every write runs in one transaction.
 */
export class UserDirectory {
  readonly #store: DirectoryStore
  readonly #options: UserDirectoryOptions

  constructor(store: DirectoryStore, options: UserDirectoryOptions) {
    this.#store = store
    this.#options = options
  }

  async create(orgId: string, body: unknown): Promise<DirectoryUser> {
    const { document: coerced, ignored } = coerceResource(reconcileRoleCopies(liftRoleAliases(body), undefined), userResourceSchema)
    const document = withActive(coerced, true)
    const role = roleOfWrite(document) ?? DEFAULT_ROLE
    const now = this.#options.clock.now().toISOString()
    const user = buildUser(orgId, newId('usr'), withDocumentRole(document, role), role, 1, now, now)
    await this.#store.insertUser(user)
    this.#noteIgnored(orgId, user.id, ignored)
    return user
  }

  async get(orgId: string, id: string): Promise<DirectoryUser> {
    return (await this.#store.findUser(orgId, id)) ?? notFound(id)
  }

  /**
   * PUT: the body replaces the document. A body without a role keeps the member's role (never a silent demotion),
   * and one without `active` keeps the user's state (never a silent re-enable of someone the directory disabled).
   */
  async replace(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition): Promise<DirectoryUser> {
    let ignored: string[] = []
    const saved = await this.#store.transaction(async (tx) => {
      const current = (await tx.findUser(orgId, id, { forUpdate: true })) ?? notFound(id)
      checkPrecondition('User', current, precondition)
      // Coerced against the stored role: of two role copies, the one that differs from it is the change (role-copies.ts).
      const coercion = coerceResource(reconcileRoleCopies(liftRoleAliases(body), current.role), userResourceSchema)
      ignored = coercion.ignored
      const document = withActive(coercion.document, current.active)
      const role = roleOfWrite(document) ?? current.role
      const next = buildUser(orgId, id, withDocumentRole(document, role), role, current.version + 1, current.createdAt, this.#now())
      await tx.updateUser(next, current)
      return next
    })
    this.#noteIgnored(orgId, id, ignored)
    return saved
  }

  /** PATCH (RFC 7644 §3.5.2): all operations apply or none do. */
  async patch(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition): Promise<DirectoryUser> {
    const operations = parsePatchRequest(body, { maxOperations: this.#options.maxPatchOperations })
    const notes: string[] = []
    const saved = await this.#store.transaction(async (tx) => {
      const current = (await tx.findUser(orgId, id, { forUpdate: true })) ?? notFound(id)
      checkPrecondition('User', current, precondition)
      const result = applyPatch(current.document, reconcilePatchRoleCopies(operations, current.role), userResourceSchema)
      notes.push(...result.ignored)
      const role = roleOfWrite(result.document, { document: current.document, rolesReplaced: replacesRoles(operations) }) ?? current.role
      if (parseRoleValue(documentRoleValue(result.document)).kind === 'empty' && documentRoleValue(current.document) !== undefined) {
        notes.push(`modernloopRole was cleared or removed; the role stays ${current.role} (Entra's Switch() sends an empty value when it cannot compute one).`)
      }
      if (!result.changed && role === current.role) return current
      const next = buildUser(orgId, id, withDocumentRole(result.document, role), role, current.version + 1, current.createdAt, this.#now())
      await tx.updateUser(next, current)
      return next
    })
    this.#noteIgnored(orgId, id, notes)
    return saved
  }

  async delete(orgId: string, id: string, precondition?: VersionPrecondition): Promise<void> {
    if (precondition === undefined) {
      if (!(await this.#store.deleteUser(orgId, id))) notFound(id)
      return
    }
    // If-Match is checked in the deleting transaction with the row locked, so a PATCH acknowledged in between
    // makes this DELETE 412 instead of deleting a version the client never saw.
    await this.#store.transaction(async (tx) => {
      const current = (await tx.findUser(orgId, id, { forUpdate: true })) ?? notFound(id)
      checkPrecondition('User', current, precondition)
      if (!(await tx.deleteUser(orgId, id))) notFound(id)
    })
  }

  list(orgId: string, query: ListQuery): Promise<ListPage<DirectoryUser>> {
    return this.#store.listUsers(orgId, query)
  }

  /** The groups of each user, for the read-only `groups` attribute. */
  groupsOf(orgId: string, userIds: string[]): Promise<Map<string, UserGroupRef[]>> {
    return userIds.length ? this.#store.groupsOfUsers(orgId, userIds) : Promise.resolve(new Map())
  }

  #now(): string {
    return this.#options.clock.now().toISOString()
  }

  #noteIgnored(orgId: string, userId: string, notes: string[]): void {
    if (notes.length) this.#options.onIgnored?.(orgId, userId, notes)
  }
}

/**
 * The document with `active` written out: RFC 7643 §4.1.1 leaves the default to the service, and what Roster
 * applies is what GET must show (a filter on `active eq true` and a read must agree).
 */
function withActive(document: ScimDocument, fallback: boolean): ScimDocument {
  return typeof document.active === 'boolean' ? document : { ...document, active: fallback }
}

function buildUser(
  orgId: string,
  id: string,
  document: ScimDocument,
  role: Role,
  version: number,
  createdAt: string,
  updatedAt: string,
): DirectoryUser {
  const fields = indexedUserFields(document)
  if (!fields.userName.trim()) throw ScimError.invalidValue('userName is required and cannot be empty.')
  return { id, orgId, ...fields, role, document, version, createdAt, updatedAt }
}

function notFound(id: string): never {
  throw ScimError.notFound(`User "${id}" not found in this organization.`)
}
