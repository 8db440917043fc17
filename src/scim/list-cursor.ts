import { createHash } from 'node:crypto'
import { ScimError } from './errors.js'

/**
 * RFC 9865 cursor paging. A cursor is an opaque string naming a keyset position (the creation sequence number of the
 * row a page starts after, or ends before), bound to the organization, the resource type and the filter it was
 * issued for, and to the time it was issued (so it can expire).
 *
 * The binding is a SHA-256 tag, not a keyed MAC: Roster has no shared server secret, and none is needed, because a
 * cursor carries no authority. The store reads a page only inside the organization of the bearer token, so a cursor
 * made up or taken from another organization can at most name a position in one's own list. The tag makes such a
 * cursor (and a mangled one) a clean 400 invalidCursor instead of a silent jump.
 */

/** Where a cursor page starts: after the row with sequence `seq` (next pages) or before it (previous pages). */
export interface KeysetSeek {
  direction: 'after' | 'before'
  /** The row's sequence number as decimal text (bigint in PostgreSQL). */
  seq: string
}

/** What a list may be asked beyond RFC 7644 paging: a keyset position decoded from a cursor. */
export interface KeysetListQuery {
  seek?: KeysetSeek
}

/** What a store's list answers beyond totalResults and the items: the positions for the next and previous cursors. */
export interface KeysetPageInfo {
  /** Present when rows may follow the page: the sequence number of its last item. */
  nextAfterSeq?: string
  /** Present when rows may precede the page: the sequence number of its first item. */
  previousBeforeSeq?: string
}

/** What a cursor is bound to. `filter` is the filter text as the client sent it (trimmed), '' for none. */
export interface CursorScope {
  orgId: string
  resourceType: 'User' | 'Group'
  filter: string
}

/** Seconds a cursor stays valid (advertised as ServiceProviderConfig pagination.cursorTimeout). */
export const CURSOR_TIMEOUT_SECONDS = 3600

const VERSION = 'c1'
const SEQ = /^\d{1,19}$/

function tagOf(scope: CursorScope, body: string): string {
  return createHash('sha256').update(`${scope.orgId}\n${scope.resourceType}\n${scope.filter}\n${body}`).digest('base64url').slice(0, 22)
}

/** Encodes a position as an opaque cursor; `now` is milliseconds since the epoch. */
export function encodeCursor(scope: CursorScope, seek: KeysetSeek, now: number): string {
  const body = `${VERSION}.${seek.direction === 'after' ? 'a' : 'b'}.${seek.seq}.${Math.floor(now / 1000)}`
  return Buffer.from(`${body}.${tagOf(scope, body)}`, 'utf8').toString('base64url')
}

/**
 * Decodes a cursor of this scope: 400 invalidCursor when it is malformed or was issued for another organization,
 * resource type or filter; 400 expiredCursor when older than `timeoutSeconds`.
 */
export function decodeCursor(text: string, scope: CursorScope, now: number, timeoutSeconds = CURSOR_TIMEOUT_SECONDS): KeysetSeek {
  const invalid = (): never => {
    throw ScimError.of('invalidCursor', 'The cursor is not one this service issued for this list (same resource type and filter); start again without a cursor value.')
  }
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) invalid()
  const parts = Buffer.from(text, 'base64url').toString('utf8').split('.')
  if (parts.length !== 5) invalid()
  const [version, direction, seq, issuedAt, tag] = parts as [string, string, string, string, string]
  if (version !== VERSION || (direction !== 'a' && direction !== 'b') || !SEQ.test(seq) || !/^\d{1,12}$/.test(issuedAt)) invalid()
  if (tag !== tagOf(scope, parts.slice(0, 4).join('.'))) invalid()
  if (now / 1000 - Number(issuedAt) > timeoutSeconds) {
    throw ScimError.of('expiredCursor', `The cursor has expired (cursors are valid for ${timeoutSeconds} seconds); start again without a cursor value.`)
  }
  return { direction: direction === 'a' ? 'after' : 'before', seq }
}
