import { accessOf } from '../../directory/member-access.js'
import type { DirectoryUser } from '../../directory/types.js'

/**
 * "May this member get in now?" for SAML sign-in: the directory's one access rule (`accessOf`), applied to the row
 * just read, so a member Entra deactivated or deleted is refused at the very next login.
 */
export function mayMemberSignIn(user: DirectoryUser): boolean {
  return accessOf(user).allowed
}
