import type { DirectoryUser } from '../../directory/types.js'

/**
 * "May this member get in now?" for SAML sign-in. The members issue adds the directory's access check (one
 * function for SSO, OIDC, the API and the console); when it lands, this body becomes a call to it, and nothing
 * else in SSO changes.
 */
export function mayMemberSignIn(user: DirectoryUser): boolean {
  return user.active
}
