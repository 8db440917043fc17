import type { MemberAccessFacts } from './session-store.js'

/**
 * "May this member use the console now?": an active ADMIN. Asked at sign-in and on every console request, so a
 * member deactivated or demoted in the directory is signed out on their next request.
 * When the member model (issue 6) lands, this delegates to its access check plus the ADMIN role.
 */
export function mayUseConsole(member: MemberAccessFacts | undefined): boolean {
  return member !== undefined && member.active && member.role === 'ADMIN'
}
