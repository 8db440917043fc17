import type { Member } from '../directory/member.js'

/**
 * The identity claims Roster asserts about a member, in the ID token and from userinfo. `sub` is the member id (stable
 * across email and name changes); `role` is the effective role; `org_id` the organization. `email`/`name` come with
 * the `email`/`profile` scopes in userinfo and always in the ID token (the host product needs them at first sign-in).
 */
export function memberClaims(member: Member, scope: string, all = false): Record<string, unknown> {
  const scopes = scope.split(' ')
  const claims: Record<string, unknown> = { sub: member.id, org_id: member.orgId, role: member.role }
  if (all || scopes.includes('email')) {
    if (member.email !== null) claims.email = member.email
  }
  if (all || scopes.includes('profile')) {
    claims.name = member.displayName ?? member.userName
    claims.preferred_username = member.userName
  }
  return claims
}
