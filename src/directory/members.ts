import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { newId } from '../lib/ids.js'
import { ScimError } from '../scim/errors.js'
import { coerceResource } from '../scim/schemas/coerce-resource.js'
import { userResourceSchema } from '../scim/schemas/resource-schemas.js'
import { USER_SCHEMA_ID } from '../scim/schemas/schema-ids.js'
import { accessOf, type AccessDecision } from './member-access.js'
import { memberChangesOf, recordChanges, type Actor, type DirectoryChangeHook } from './member-changes.js'
import { decodeMemberCursor, encodeMemberCursor } from './member-cursor.js'
import { MEMBER_STATUSES, memberOf, type Member, type MemberStatus } from './member.js'
import { assertAdminMayChangeRoles, DEFAULT_ROLE, parseRoleInput } from './roles/role-management.js'
import { createSsoMember, type SsoMemberInput, type SsoMemberOutcome } from './sso-member.js'
import type { DirectoryStore, MemberFilter } from './store.js'
import { MEMBER_SOURCES, type MemberSource, type Role } from './types.js'
import { buildUser } from './users.js'

export interface MembersOptions {
  clock: Clock
  /** Runs inside every write's transaction with what changed (the events outbox's place); see member-changes.ts. */
  onMemberChange?: DirectoryChangeHook
}

/** A member list request: filters (AND) and a keyset page. `after` is the previous page's `next`. */
export interface MemberListQuery {
  status?: MemberStatus
  role?: Role
  source?: MemberSource
  /** Case-insensitive substring of userName, displayName, given/family/formatted name or an email address. */
  query?: string
  limit: number
  after?: string
}

export interface MemberPage {
  items: Member[]
  /** The cursor of the next page (opaque), or null on the last page. */
  next: string | null
}

/** A member added by an admin (CLI now; API and console later). */
export interface NewMember {
  userName: string
  email?: string
  displayName?: string
  /** ADMIN, SCHEDULER or INTERVIEWER (ML_ names too, any case); INTERVIEWER when absent. Applies in either mode. */
  role?: string
}

export const MAX_MEMBER_PAGE = 1000

/**
 * The members of an organization as admins and the product see them: list, get, add, change a role, and the access
 * check. SCIM's writes live in UserDirectory; both end their transactions with `recordChanges`.
 */
export class Members {
  readonly #store: DirectoryStore
  readonly #options: MembersOptions

  constructor(store: DirectoryStore, options: MembersOptions) {
    this.#store = store
    this.#options = options
  }

  /** Filtered members in creation order, keyset-paged. An unknown organization has no members. */
  async listMembers(orgId: string, query: MemberListQuery): Promise<MemberPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_MEMBER_PAGE) {
      throw new DomainError('invalid', `limit must be a whole number from 1 to ${MAX_MEMBER_PAGE}.`)
    }
    const page = await this.#store.listMembers(orgId, memberFilter(query), {
      limit: query.limit,
      ...(query.after === undefined ? {} : { after: decodeMemberCursor(query.after) }),
    })
    return { items: page.items.map(memberOf), next: page.next === null ? null : encodeMemberCursor(page.next) }
  }

  async getMember(orgId: string, id: string): Promise<Member> {
    return memberOf((await this.#store.findUser(orgId, id)) ?? memberNotFound(id))
  }

  /**
   * Adds a member by hand (`source: manual`). The role given applies in either mode: the identity provider does not
   * know this person yet. SCIM sees the member like any other (Entra matches it by userName), and the first SCIM write
   * to it takes it over (source → scim).
   */
  async addMember(orgId: string, input: NewMember, actor: Actor): Promise<Member> {
    const userName = input.userName.trim()
    if (!userName) throw new DomainError('invalid', 'A member needs a userName (usually the sign-in name, e.g. ada@example.com).')
    const email = input.email?.trim()
    if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) throw new DomainError('invalid', `"${input.email}" is not an email address.`)
    const displayName = input.displayName?.trim()
    const role = input.role === undefined ? DEFAULT_ROLE : parseRoleInput(input.role)
    const { document } = coerceResource(
      {
        schemas: [USER_SCHEMA_ID],
        userName,
        active: true,
        ...(displayName ? { displayName } : {}),
        ...(email ? { emails: [{ value: email, type: 'work', primary: true }] } : {}),
      },
      userResourceSchema,
    )
    const now = this.#options.clock.now().toISOString()
    return asDomainErrors(() =>
      this.#store.transaction(async (tx) => {
        if ((await tx.findRoleManagement(orgId)) === undefined) throw new DomainError('not_found', `No organization has the id "${orgId}".`)
        const user = buildUser(orgId, newId('usr'), document, { role, directoryRole: null }, {
          version: 1, createdAt: now, updatedAt: now, source: 'manual', lastProvisionedAt: null,
        })
        await tx.insertUser(user)
        await recordChanges(tx, this.#options.onMemberChange, memberChangesOf(orgId, null, user, actor))
        return memberOf(user)
      }),
    )
  }

  /**
   * Creates a member at their first SSO sign-in (just-in-time, `source: sso`, role INTERVIEWER), unless the directory
   * deleted them (their tombstone blocks it). See sso-member.ts; the SCIM layer takes such a member over like a manual one.
   */
  addSsoMember(orgId: string, input: SsoMemberInput, actor: Actor): Promise<SsoMemberOutcome> {
    return createSsoMember(this.#store, this.#options, orgId, input, actor)
  }

  /**
   * THE way to change a member's role outside SCIM (CLI, API, console). Refused in `scim` mode with a reason that
   * says where the setting is switched (roles/role-management.ts); in `platform` mode the role changes and the
   * directory role stays as the identity provider sent it. Setting the role a member already has changes nothing.
   */
  async changeMemberRole(orgId: string, memberId: string, role: string, actor: Actor): Promise<Member> {
    const next = parseRoleInput(role)
    return this.#store.transaction(async (tx) => {
      // The organization's row first: a concurrent switch of the mode waits for this change, or this for it.
      const mode = (await tx.findRoleManagement(orgId, { lock: 'update' })) ?? organizationNotFound(orgId)
      const current = (await tx.findUser(orgId, memberId, { forUpdate: true })) ?? memberNotFound(memberId)
      assertAdminMayChangeRoles(mode, orgId)
      if (current.role === next) return memberOf(current)
      const now = this.#options.clock.now().toISOString()
      const changed = buildUser(orgId, current.id, current.document, { role: next, directoryRole: current.directoryRole }, {
        version: current.version + 1, createdAt: current.createdAt, updatedAt: now, source: current.source, lastProvisionedAt: current.lastProvisionedAt,
      })
      await tx.updateUser(changed, current)
      await recordChanges(tx, this.#options.onMemberChange, memberChangesOf(orgId, current, changed, actor))
      return memberOf(changed)
    })
  }

  /** May this member sign in / use the product now? One indexed read by id, never cached. */
  async mayAccess(orgId: string, memberId: string): Promise<AccessDecision> {
    return accessOf(await this.#store.findUser(orgId, memberId))
  }

  /** The same decision for a sign-in name (SAML NameID, OIDC login hint): one read of the unique userName index. */
  async mayAccessByUserName(orgId: string, userName: string): Promise<AccessDecision> {
    return accessOf(await this.#store.findUserByUserName(orgId, userName))
  }
}

/** A member as the CLI lists it: `member list --json` (issue 2's fields, then issue 6's). */
export interface MemberSummary {
  id: string
  userName: string
  displayName: string | null
  email: string | null
  role: Role
  active: boolean
  directoryRole: Role | null
  status: MemberStatus
  source: MemberSource
  lastProvisionedAt: string | null
}

export const memberSummaryOf = (member: Member): MemberSummary => ({
  id: member.id,
  userName: member.userName,
  displayName: member.displayName,
  email: member.email,
  role: member.role,
  active: member.status === 'active',
  directoryRole: member.directoryRole,
  status: member.status,
  source: member.source,
  lastProvisionedAt: member.lastProvisionedAt,
})

/** Every member of an organization in creation order, read a page at a time (the CLI's list). */
export async function listAllMembers(members: Members, orgId: string): Promise<Member[]> {
  const all: Member[] = []
  let after: string | undefined
  do {
    const page = await members.listMembers(orgId, { limit: MAX_MEMBER_PAGE, ...(after === undefined ? {} : { after }) })
    all.push(...page.items)
    after = page.next ?? undefined
  } while (after !== undefined)
  return all
}

function memberFilter(query: MemberListQuery): MemberFilter {
  if (query.status !== undefined && !MEMBER_STATUSES.includes(query.status)) {
    throw new DomainError('invalid', `status must be one of ${MEMBER_STATUSES.join(', ')}.`)
  }
  if (query.source !== undefined && !MEMBER_SOURCES.includes(query.source)) {
    throw new DomainError('invalid', `source must be one of ${MEMBER_SOURCES.join(', ')}.`)
  }
  return {
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.role === undefined ? {} : { role: parseRoleInput(query.role) }),
    ...(query.source === undefined ? {} : { source: query.source }),
    ...(query.query === undefined ? {} : { query: query.query }),
  }
}

/** The store speaks SCIM's errors (uniqueness, unstorable text); admins get the domain's. */
async function asDomainErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof ScimError) || error.status >= 500) throw error
    throw new DomainError(error.scimType === 'uniqueness' ? 'conflict' : 'invalid', error.message)
  }
}

function memberNotFound(id: string): never {
  throw new DomainError('not_found', `No member of this organization has the id "${id}".`)
}

function organizationNotFound(id: string): never {
  throw new DomainError('not_found', `No organization has the id "${id}".`)
}
