import type { Clock } from '../lib/clock.js'
import { newId } from '../lib/ids.js'
import { ScimError } from '../scim/errors.js'
import { applyPatch } from '../scim/patch/apply-patch.js'
import { parsePatchRequest } from '../scim/patch/parse-patch-request.js'
import { coerceResource } from '../scim/schemas/coerce-resource.js'
import { userResourceSchema } from '../scim/schemas/resource-schemas.js'
import { liftRoleAliases } from './lift-role-aliases.js'
import { ALLOWED_ROLE_VALUES, mostPrivileged, parseRoleValue, roleFromRolesAttribute } from './role-mapping.js'
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

/** An ETag precondition from If-Match (RFC 7644 §3.14): the version the client last saw. */
export type VersionPrecondition = number | undefined

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
    const { document, ignored } = coerceResource(liftRoleAliases(body), userResourceSchema)
    const role = rolesIn(document, undefined) ?? DEFAULT_ROLE
    const now = this.#options.clock.now().toISOString()
    const user = buildUser(orgId, newId('usr'), withDocumentRole(document, role), role, 1, now, now)
    await this.#store.insertUser(user)
    this.#noteIgnored(orgId, user.id, ignored)
    return user
  }

  async get(orgId: string, id: string): Promise<DirectoryUser> {
    return (await this.#store.findUser(orgId, id)) ?? notFound(id)
  }

  /** PUT: the body replaces the document. A body without a role keeps the member's role (never a silent demotion). */
  async replace(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition): Promise<DirectoryUser> {
    const { document, ignored } = coerceResource(liftRoleAliases(body), userResourceSchema)
    const saved = await this.#store.transaction(async (tx) => {
      const current = (await tx.findUser(orgId, id, { forUpdate: true })) ?? notFound(id)
      checkPrecondition(current, precondition)
      const role = rolesIn(document, undefined) ?? current.role
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
      checkPrecondition(current, precondition)
      const result = applyPatch(current.document, operations, userResourceSchema)
      notes.push(...result.ignored)
      const role = rolesIn(result.document, current) ?? current.role
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
    if (precondition !== undefined) {
      const current = (await this.#store.findUser(orgId, id)) ?? notFound(id)
      checkPrecondition(current, precondition)
    }
    if (!(await this.#store.deleteUser(orgId, id))) notFound(id)
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
 * The role a write carries, or undefined when it carries none. Candidates are `modernloopRole` (in any of the forms
 * Entra uses, already lifted into our extension) and the `roles` attribute; the most privileged wins. On PATCH only
 * what changed counts, so a stale value in an untouched attribute never overrides a new one.
 */
function rolesIn(document: ScimDocument, current: DirectoryUser | undefined): Role | undefined {
  const candidates: Role[] = []
  const written = documentRoleValue(document)
  const explicit = parseRoleValue(written)
  if (explicit.kind === 'invalid') {
    throw ScimError.invalidValue(`modernloopRole "${explicit.value}" is not a role. Allowed values: ${ALLOWED_ROLE_VALUES}.`)
  }
  if (explicit.kind === 'role' && (!current || written !== documentRoleValue(current.document))) candidates.push(explicit.role)
  if (!current || JSON.stringify(document.roles) !== JSON.stringify(current.document.roles)) {
    const fromRoles = roleFromRolesAttribute(document.roles)
    if (fromRoles) candidates.push(fromRoles)
  }
  return mostPrivileged(candidates)
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

function checkPrecondition(current: DirectoryUser, precondition: VersionPrecondition): void {
  if (precondition !== undefined && precondition !== current.version) {
    throw new ScimError(412, `The user changed since version ${precondition} (it is now version ${current.version}); read it again and retry.`)
  }
}

function notFound(id: string): never {
  throw ScimError.notFound(`User "${id}" not found in this organization.`)
}
