import type { Clock } from '../../lib/clock.js'
import { randomBase32 } from '../../lib/ids.js'
import { constantTimeEqualHex, randomSecret, sha256Hex } from '../../lib/tokens.js'
import { mayUseConsole } from './may-use-console.js'
import type { SessionStore } from './session-store.js'

/** A login link's token: `login_<id>.<secret>`. The id finds the record; only SHA-256(secret) is stored. */
const LINK_PATTERN = /^login_([0-9a-z]{24})\.([A-Za-z0-9_-]{43})$/

/** How long a login link works (issue #8: 15 minutes). */
export const LOGIN_LINK_TTL_MS = 15 * 60_000

export interface IssuedLoginLink {
  token: string
  expiresAt: string
}

/** Why a link was refused; the console turns each into a page that says what to do. */
export type LoginLinkRefusal = 'malformed' | 'unknown' | 'expired' | 'used' | 'not_allowed'

export type LoginLinkRedemption = { ok: true; orgId: string; memberId: string } | { ok: false; reason: LoginLinkRefusal }

/** One-time sign-in links for the console, printed by the operator's CLI. */
export class LoginLinks {
  readonly #store: SessionStore
  readonly #clock: Clock

  constructor(store: SessionStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  /** Issues a link for a member; the caller has checked that the member may use the console. */
  async issue(orgId: string, memberId: string): Promise<IssuedLoginLink> {
    const idPart = randomBase32(24)
    const secret = randomSecret()
    const now = this.#clock.now()
    const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS).toISOString()
    await this.#store.insertLoginLink({
      id: idPart,
      orgId,
      memberId,
      secretHash: sha256Hex(secret),
      createdAt: now.toISOString(),
      expiresAt,
      usedAt: null,
    })
    return { token: `login_${idPart}.${secret}`, expiresAt }
  }

  /** Uses a link up: valid once, within its 15 minutes, for a member who is still an active ADMIN. */
  async redeem(token: string): Promise<LoginLinkRedemption> {
    const match = LINK_PATTERN.exec(token)
    if (!match) return { ok: false, reason: 'malformed' }
    const found = await this.#store.findLoginLink(match[1]!)
    // Hash and compare even for an unknown id, so that timing does not tell which ids exist.
    const valid = constantTimeEqualHex(sha256Hex(match[2]!), found?.record.secretHash ?? '0'.repeat(64))
    if (!found || !valid) return { ok: false, reason: 'unknown' }
    const now = this.#clock.now()
    if (found.record.usedAt !== null) return { ok: false, reason: 'used' }
    if (Date.parse(found.record.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired' }
    if (!mayUseConsole(found.member)) return { ok: false, reason: 'not_allowed' }
    if (!(await this.#store.markLoginLinkUsed(found.record.id, now.toISOString()))) return { ok: false, reason: 'used' }
    return { ok: true, orgId: found.record.orgId, memberId: found.record.memberId }
  }
}
