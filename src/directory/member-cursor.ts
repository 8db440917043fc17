import { DomainError } from '../lib/domain-error.js'

const PREFIX = 'm1:'

/**
 * Member list cursors are opaque to callers (the API's `next`/`after`): base64url of a versioned store position, so
 * the position's form can change without breaking a cursor's shape, and a cursor survives the deletion of the member
 * it ended on (it names a position, not a member).
 */
export const encodeMemberCursor = (position: string): string => Buffer.from(`${PREFIX}${position}`).toString('base64url')

export function decodeMemberCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : ''
  const position = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : ''
  if (!/^\d{1,18}$/.test(position)) {
    throw new DomainError('invalid', 'The cursor is not one Roster issued for this list: pass the `next` value of the previous page unchanged, or start again without one.')
  }
  return position
}
