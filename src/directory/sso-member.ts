import type { Clock } from '../lib/clock.js'
import { newId } from '../lib/ids.js'
import { ScimError } from '../scim/errors.js'
import type { FilterNode } from '../scim/filter/ast.js'
import { coerceResource } from '../scim/schemas/coerce-resource.js'
import { userResourceSchema } from '../scim/schemas/resource-schemas.js'
import { USER_SCHEMA_ID } from '../scim/schemas/schema-ids.js'
import { memberChangesOf, recordChanges, type Actor, type DirectoryChangeHook } from './member-changes.js'
import { memberOf, type Member } from './member.js'
import { DEFAULT_ROLE } from './roles/role-management.js'
import type { DirectoryStore } from './store.js'
import type { DirectoryUser, TombstoneKeys, TombstoneMatch } from './types.js'
import { buildUser } from './users.js'

/** A person signing in for the first time, as their verified SSO assertion describes them. */
export interface SsoMemberInput {
  userName: string
  externalId?: string
  email?: string
  displayName?: string
  givenName?: string
  familyName?: string
  /** Every identifier the sign-in presented: a tombstone carrying any of them blocks the creation. */
  tombstoneKeys: TombstoneKeys
}

export type SsoMemberOutcome =
  | { kind: 'created'; member: Member; user: DirectoryUser }
  /** The directory deleted this person: never brought back by a sign-in. */
  | { kind: 'deleted_by_directory'; tombstone: TombstoneMatch }
  /** Someone else's transaction created the userName first (two first sign-ins at once): match again. */
  | { kind: 'taken' }
  /** The assertion's values cannot make a member (too long, unstorable): the reason, for the admin. */
  | { kind: 'invalid'; detail: string }
  | { kind: 'no_organization' }

/**
 * Just-in-time creation at first SSO sign-in (issue 9 §4): one transaction that checks the organization's deletion
 * tombstones, inserts the member (`source: sso`, the default role INTERVIEWER, active, no directory role) and records
 * its `member.created` event. The tombstone check and the insert share the transaction, and a SCIM DELETE writes its
 * tombstone in its own, so no interleaving lets a deleted person back in. The unique userName key decides between
 * two simultaneous first sign-ins of one person (the loser gets `taken` and matches the winner's member).
 */
export async function createSsoMember(
  store: DirectoryStore,
  options: { clock: Clock; onMemberChange?: DirectoryChangeHook },
  orgId: string,
  input: SsoMemberInput,
  actor: Actor,
): Promise<SsoMemberOutcome> {
  const email = input.email !== undefined && /^[^\s@]+@[^\s@]+$/.test(input.email) ? input.email : undefined
  const name = { ...(input.givenName ? { givenName: input.givenName } : {}), ...(input.familyName ? { familyName: input.familyName } : {}) }
  const now = options.clock.now().toISOString()
  try {
    const { document } = coerceResource(
      {
        schemas: [USER_SCHEMA_ID],
        userName: input.userName,
        active: true,
        ...(input.externalId ? { externalId: input.externalId } : {}),
        ...(input.displayName ? { displayName: input.displayName } : {}),
        ...(Object.keys(name).length > 0 ? { name } : {}),
        ...(email ? { emails: [{ value: email, type: 'work', primary: true }] } : {}),
      },
      userResourceSchema,
    )
    return await store.transaction(async (tx): Promise<SsoMemberOutcome> => {
      if ((await tx.findRoleManagement(orgId)) === undefined) return { kind: 'no_organization' }
      const tombstone = await tx.findUserTombstone(orgId, input.tombstoneKeys)
      if (tombstone !== undefined) return { kind: 'deleted_by_directory', tombstone }
      // The login was matched before this transaction: a member that SCIM created since with this objectidentifier or
      // email (under another userName, perhaps deactivated) must be matched again, never doubled by a new active one.
      if (await someMemberCarries(tx, orgId, input)) return { kind: 'taken' }
      const user = buildUser(orgId, newId('usr'), document, { role: DEFAULT_ROLE, directoryRole: null }, {
        version: 1, createdAt: now, updatedAt: now, source: 'sso', lastProvisionedAt: null,
      })
      await tx.insertUser(user)
      await recordChanges(tx, options.onMemberChange, memberChangesOf(orgId, null, user, actor))
      return { kind: 'created', member: memberOf(user), user }
    })
  } catch (error) {
    if (!(error instanceof ScimError) || error.status >= 500) throw error
    if (error.scimType === 'uniqueness') return { kind: 'taken' }
    return { kind: 'invalid', detail: error.message }
  }
}

/** Whether a member of the organization has the sign-in's externalId (objectidentifier) or one of its emails. */
async function someMemberCarries(tx: DirectoryStore, orgId: string, input: SsoMemberInput): Promise<boolean> {
  const compare = (attribute: string, value: string): FilterNode => ({ kind: 'compare', path: { attribute: attribute.toLowerCase(), raw: attribute }, operator: 'eq', value })
  const filters: FilterNode[] = []
  // A value no member can hold (NUL) names nobody; the filter would refuse it.
  const usable = (value: string | undefined): value is string => value !== undefined && value !== '' && !value.includes('\u0000')
  if (usable(input.externalId)) filters.push(compare('externalId', input.externalId))
  if (usable(input.email)) filters.push({ kind: 'valuePath', path: { attribute: 'emails', raw: 'emails' }, filter: compare('value', input.email) })
  for (const filter of filters) {
    if ((await tx.listUsers(orgId, { filter, startIndex: 1, count: 1 })).items.length > 0) return true
  }
  return false
}
