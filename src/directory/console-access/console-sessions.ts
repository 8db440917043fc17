import { createHash } from 'node:crypto'
import type { Clock } from '../../lib/clock.js'
import { randomBase32 } from '../../lib/ids.js'
import { constantTimeEqualHex, randomSecret, sha256Hex } from '../../lib/tokens.js'
import { mayUseConsole } from './may-use-console.js'
import type { SessionStore } from './session-store.js'

/** The session cookie's value: `<id>.<secret>`. The id finds the row; only SHA-256(secret) is stored. */
const SESSION_PATTERN = /^([0-9a-z]{24})\.([A-Za-z0-9_-]{43})$/

/** A session lasts a working day from sign-in, then the admin asks for a new link (or, later, signs in with SSO). */
export const SESSION_TTL_MS = 12 * 60 * 60_000

export interface ConsoleSessionIdentity {
  sessionId: string
  orgId: string
  memberId: string
}

/** A session check: signed in, no (valid) session at all, or a session that just ended and why. */
export type SessionCheck =
  | { kind: 'signed-in'; identity: ConsoleSessionIdentity }
  | { kind: 'none' }
  | { kind: 'ended'; reason: 'expired' | 'no_access' }

/** Server-side console sessions: started after a login link (or SSO), checked on every request, ended at sign-out. */
export class ConsoleSessions {
  readonly #store: SessionStore
  readonly #clock: Clock

  constructor(store: SessionStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  /** Starts a session; the returned token goes into an HttpOnly cookie and nowhere else. */
  async start(orgId: string, memberId: string): Promise<{ token: string; expiresAt: string }> {
    const id = randomBase32(24)
    const secret = randomSecret()
    const now = this.#clock.now()
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString()
    // Expired links and sessions are useless; a day's grace keeps "this link has expired" answerable for a while.
    await this.#store.deleteExpiredConsoleAccess(new Date(now.getTime() - 24 * 60 * 60_000).toISOString())
    await this.#store.insertConsoleSession({ id, orgId, memberId, secretHash: sha256Hex(secret), createdAt: now.toISOString(), expiresAt })
    return { token: `${id}.${secret}`, expiresAt }
  }

  /**
   * The session's identity, or null. One indexed read per request fetches the session and its member together; a
   * member who is no longer an active ADMIN (or no longer exists) has the session ended here, so they are signed
   * out on their very next request.
   */
  async authenticate(token: string | undefined): Promise<ConsoleSessionIdentity | null> {
    const check = await this.check(token)
    return check.kind === 'signed-in' ? check.identity : null
  }

  /** As authenticate(), and says why a session that existed has just ended (for the sign-in page's words). */
  async check(token: string | undefined): Promise<SessionCheck> {
    const match = token === undefined ? null : SESSION_PATTERN.exec(token)
    if (!match) return { kind: 'none' }
    const found = await this.#store.findConsoleSession(match[1]!)
    const valid = constantTimeEqualHex(sha256Hex(match[2]!), found?.record.secretHash ?? '0'.repeat(64))
    if (!found || !valid) return { kind: 'none' }
    // A session ended for lost access keeps its row (expiry = creation) until the expired rows are swept, so that
    // whichever request meets it first (an API call of the page, or the page's session check) ends it, and every
    // later one still tells the admin why: their account lost access, not "you are signed out".
    if (found.record.expiresAt === found.record.createdAt) return { kind: 'ended', reason: 'no_access' }
    const expired = Date.parse(found.record.expiresAt) <= this.#clock.now().getTime()
    if (expired) {
      await this.#store.deleteConsoleSession(found.record.id)
      return { kind: 'ended', reason: 'expired' }
    }
    if (!mayUseConsole(found.member)) {
      await this.#store.endConsoleSessionForLostAccess(found.record.id)
      return { kind: 'ended', reason: 'no_access' }
    }
    return { kind: 'signed-in', identity: { sessionId: found.record.id, orgId: found.record.orgId, memberId: found.record.memberId } }
  }

  /** Ends the session the token names (sign-out); unknown tokens are ignored. */
  async end(token: string | undefined): Promise<void> {
    const identity = await this.authenticate(token)
    if (identity) await this.#store.deleteConsoleSession(identity.sessionId)
  }
}

/**
 * The CSRF token of a session: derived from the session's secret, so it needs no storage, differs per session, and
 * cannot be computed by a page that cannot read the HttpOnly cookie (a synchronizer token without a table).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`roster-console-csrf\0${sessionToken}`).digest('base64url')
}

/** Compares a presented CSRF token with the session's, in constant time. */
export function isValidCsrfToken(sessionToken: string, presented: string | undefined): boolean {
  if (typeof presented !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(presented)) return false
  const expected = Buffer.from(csrfTokenFor(sessionToken), 'base64url').toString('hex')
  return constantTimeEqualHex(expected, Buffer.from(presented, 'base64url').toString('hex'))
}
