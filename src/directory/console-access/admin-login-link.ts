import { DomainError } from '../../lib/domain-error.js'
import { parseFilter } from '../../scim/filter/parse-filter.js'
import type { DirectoryStore } from '../store.js'
import type { DirectoryUser } from '../types.js'
import { CLI_ACTOR } from '../member-changes.js'
import type { Members } from '../members.js'
import type { IssuedLoginLink, LoginLinks } from './login-links.js'
import { mayUseConsole } from './may-use-console.js'

export interface AdminLoginLink extends IssuedLoginLink {
  member: DirectoryUser
  /** True when no member had this userName or email and one was added as a manual ADMIN. */
  addedMember: boolean
}

/**
 * Adds a manual ADMIN member for the operator's CLI through the member model's one "add a member" call (source
 * `manual`, so SCIM takes it over when Entra later matches it by userName).
 */
export async function addManualAdmin(members: Members, store: DirectoryStore, orgId: string, email: string): Promise<DirectoryUser> {
  const isEmail = /^[^\s@]+@[^\s@]+$/.test(email)
  const member = await members.addMember(orgId, { userName: email, ...(isEmail ? { email } : {}), role: 'ADMIN' }, CLI_ACTOR)
  const user = await store.findUser(orgId, member.id)
  if (!user) throw new DomainError('not_found', `The member ${member.id} vanished right after it was added; try again.`)
  return user
}

/** The member whose userName or email is `email` (both lookups are indexed), or undefined. */
export async function findMemberByEmail(store: DirectoryStore, orgId: string, email: string): Promise<DirectoryUser | undefined> {
  const literal = JSON.stringify(email)
  const filter = parseFilter(`userName eq ${literal} or emails.value eq ${literal}`)
  const page = await store.listUsers(orgId, { filter, startIndex: 1, count: 2 })
  // userName is unique; prefer it over another member's email that happens to match.
  return page.items.find((user) => user.userName.toLowerCase() === email.toLowerCase()) ?? page.items[0]
}

/**
 * `admin login-link`: the operator's CLI is trusted, so an email that names no member first becomes a manual ADMIN
 * member (how the first admin of a new organization gets in). A member who exists but is not an active ADMIN is
 * refused with what to change.
 */
export async function adminLoginLink(
  deps: { store: DirectoryStore; members: Members; links: LoginLinks },
  orgId: string,
  email: string,
): Promise<AdminLoginLink> {
  const trimmed = email.trim()
  if (trimmed === '') throw new DomainError('invalid', 'Give the admin\'s email or userName with --email.')
  const existing = await findMemberByEmail(deps.store, orgId, trimmed)
  const member = existing ?? (await addManualAdmin(deps.members, deps.store, orgId, trimmed))
  if (!mayUseConsole(member)) {
    const why = member.active ? `has the role ${member.role}` : 'is deactivated'
    throw new DomainError(
      'forbidden',
      `The member ${member.userName} (${member.id}) ${why}; only active ADMIN members sign in to the console. Give them the ADMIN role (the app role ML_ADMIN in Entra) or use another admin's email.`,
    )
  }
  const link = await deps.links.issue(orgId, member.id)
  return { ...link, member, addedMember: existing === undefined }
}
