import { memberOf, type Member } from './member.js'
import type { DirectoryUser } from './types.js'

/**
 * The answer to "may this member sign in / use the product now?". `reason` is stable (callers branch on it);
 * `detail` is a sentence for logs and people.
 */
export type AccessDecision =
  | { allowed: true; member: Member }
  | { allowed: false; reason: 'not_found' | 'deactivated'; detail: string }

/**
 * THE access rule, decided from the member's row as just read (no cache anywhere: a deactivation or a deletion is
 * seen by the very next request). Only active members get in; whatever their role or source.
 */
export function accessOf(user: DirectoryUser | undefined): AccessDecision {
  if (user === undefined) {
    return { allowed: false, reason: 'not_found', detail: 'No member of this organization has this id or userName (never provisioned, or deleted).' }
  }
  if (!user.active) {
    return { allowed: false, reason: 'deactivated', detail: `Member ${user.userName} is deactivated in the organization's directory.` }
  }
  return { allowed: true, member: memberOf(user) }
}
