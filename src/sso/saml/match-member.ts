import type { DirectoryStore } from '../../directory/store.js'
import type { DirectoryUser } from '../../directory/types.js'
import type { FilterNode } from '../../scim/filter/ast.js'
import { ENTRA_CLAIMS, firstValue } from './entra-claims.js'
import { mayMemberSignIn } from './member-access.js'
import { SsoRefusal } from './sso-refusal.js'

/** What matching reads of a verified assertion. */
export interface LoginIdentity {
  nameId: string
  attributes: Record<string, string | string[]>
}

export type MatchedBy = 'externalId' | 'userName' | 'email'

/**
 * Who gets in: the ONE place a verified SAML login becomes a member. In order, the first identifier that names a
 * member of the connection's organization decides (a later one is never tried, so a login cannot slide from a
 * deactivated person to someone else):
 *   1. Entra's `objectidentifier` claim = the member's `externalId` (immutable in Entra; the setup guide maps it);
 *   2. the NameID (Entra: the UPN) = `userName`, case-insensitively and NFC-normalized (the store's userName key);
 *   3. the `emailaddress` claim = one of the member's emails (case-insensitive).
 * The member then must pass the access check (`mayMemberSignIn`). Only the organization's own users are searched.
 */
export async function matchMember(store: DirectoryStore, orgId: string, login: LoginIdentity): Promise<{ user: DirectoryUser; matchedBy: MatchedBy }> {
  const steps: { by: MatchedBy; value: string | undefined; filter: (value: string) => FilterNode }[] = [
    { by: 'externalId', value: firstValue(login.attributes[ENTRA_CLAIMS.objectId]), filter: (v) => eq('externalid', 'externalId', v) },
    { by: 'userName', value: login.nameId.trim().normalize('NFC') || undefined, filter: (v) => eq('username', 'userName', v) },
    { by: 'email', value: firstValue(login.attributes[ENTRA_CLAIMS.email])?.normalize('NFC'), filter: (v) => emailEq(v) },
  ]
  for (const step of steps) {
    if (step.value === undefined) continue
    const page = await store.listUsers(orgId, { filter: step.filter(step.value), startIndex: 1, count: 2 })
    if (page.items.length === 0) continue
    if (page.items.length > 1) {
      throw new SsoRefusal('ambiguous_member', `${page.totalResults} members have ${step.by} "${step.value}"; none was signed in`, { nameId: login.nameId })
    }
    const user = page.items[0]!
    if (!mayMemberSignIn(user)) {
      throw new SsoRefusal('deactivated', `member ${user.id} (matched by ${step.by}) is not active`, { nameId: login.nameId, memberId: user.id })
    }
    return { user, matchedBy: step.by }
  }
  throw new SsoRefusal(
    'not_provisioned',
    `no member of the organization matches objectidentifier/NameID "${login.nameId}"/email; the person was not provisioned or was deleted`,
    { nameId: login.nameId },
  )
}

const eq = (attribute: string, raw: string, value: string): FilterNode => ({
  kind: 'compare',
  path: { attribute, raw },
  operator: 'eq',
  value,
})

const emailEq = (value: string): FilterNode => ({
  kind: 'valuePath',
  path: { attribute: 'emails', raw: 'emails' },
  filter: eq('value', 'value', value),
})
