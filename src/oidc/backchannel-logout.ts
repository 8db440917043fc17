import { ROLES, type Role } from '../directory/types.js'
import type { RosterEvent } from '../events/types.js'
import { retryDelayMs } from '../events/webhooks/backoff.js'
import { postWebhook } from '../events/webhooks/post-webhook.js'
import type { Clock } from '../lib/clock.js'
import { randomBase32 } from '../lib/ids.js'
import { Loop } from '../lib/loop.js'
import type { SigningKeys } from './signing-keys.js'
import type { OidcServicesStore } from './store.js'
import type { LogoutDelivery } from './types.js'

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/** The webhook delivery settings back-channel logout shares (WEBHOOK_*: timeout, retries, address policy). */
export interface LogoutDeliveryOptions {
  issuer: string
  allowPrivateUrls: boolean
  timeoutMs: number
  retryBaseMs: number
  retryMaxDelayMs: number
  maxAttempts: number
  pollIntervalMs: number
  batchSize: number
}

/** Outbox events read per fan-out pass. */
const FAN_OUT_EVENTS = 100
/** Expired codes, tokens and requests deleted per purge (after an hour's grace, so replays are still recognized). */
const PURGE_ROWS = 500
const PURGE_GRACE_MS = 3_600_000
/** How often the purge runs (it is cheap, but it need not run on every poll). */
const PURGE_EVERY_MS = 60_000

/**
 * The member a deprovisioning event takes access from, or undefined. Deactivation and deletion end access (the
 * access rule); a demotion (the effective role lowered) ends sessions too, since the host product's session holds
 * the old, higher role in its ID token.
 */
export function memberLosingAccess(event: RosterEvent): string | undefined {
  const data = event.data as { id?: unknown; roleChange?: { from?: unknown; to?: unknown } } | null
  const id = typeof data?.id === 'string' ? data.id : undefined
  if (event.type === 'member.deactivated' || event.type === 'member.deleted') return id
  if (event.type === 'member.role_changed') {
    const rank = (role: unknown) => ROLES.indexOf(role as Role)
    const from = rank(data?.roleChange?.from)
    const to = rank(data?.roleChange?.to)
    if (from >= 0 && to > from) return id
  }
  return undefined
}

/**
 * OpenID Connect Back-Channel Logout, through the durable outbox: a loop (main.ts starts it) that
 * 1. fans out: reads the outbox after its cursor (one instance at a time: the cursor row is locked in the pass's
 *    transaction), and for each member losing access ends their open sessions and records one delivery per session
 *    whose client has a back-channel logout URI, in the same transaction as the cursor's move (no loss, no double);
 * 2. delivers: claims due deliveries under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL), POSTs a freshly signed
 *    logout token to each (form-encoded, as the spec says), and records the outcome; failures are retried with the
 *    webhooks' backoff until WEBHOOK_MAX_ATTEMPTS, through the webhooks' address guard.
 */
export class BackchannelLogout {
  readonly #loop: Loop
  #lastPurge = 0

  constructor(
    private readonly store: OidcServicesStore,
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly options: LogoutDeliveryOptions,
    onError: (error: unknown) => void,
  ) {
    this.#loop = new Loop(() => this.runOnce(), { intervalMs: options.pollIntervalMs, onError })
  }

  start(): void {
    this.#loop.start()
  }

  stop(): Promise<void> {
    return this.#loop.stop()
  }

  /** One pass: fan out, deliver, purge; true when it did something (the loop runs again at once). */
  async runOnce(): Promise<boolean> {
    const fanned = await this.fanOut()
    const sent = await this.deliver()
    let purged = 0
    const now = this.clock.now().getTime()
    if (now - this.#lastPurge >= PURGE_EVERY_MS) {
      purged = await this.store.deleteExpiredOidcRows(new Date(now - PURGE_GRACE_MS).toISOString(), PURGE_ROWS)
      this.#lastPurge = purged >= PURGE_ROWS ? 0 : now
    }
    return fanned > 0 || sent > 0 || purged >= PURGE_ROWS
  }

  /** Reads events after the cursor; returns how many it consumed. */
  async fanOut(): Promise<number> {
    // A read first: an idle pass opens no write transaction (on SQLite that would take the write lock every poll).
    const seen = await this.store.lockLogoutCursor()
    if (seen === undefined || seen >= (await this.store.headPosition())) return 0
    return this.store.transaction(async (tx) => {
      const cursor = await tx.lockLogoutCursor()
      if (cursor === undefined) return 0
      const events = await tx.readAllEvents(cursor, FAN_OUT_EVENTS)
      if (!events.length) return 0
      const now = this.clock.now().toISOString()
      for (const event of events) {
        const memberId = memberLosingAccess(event)
        if (memberId === undefined) continue
        const sessions = await tx.listOpenOidcSessions(event.organization, memberId)
        await tx.revokeAccessTokensOfMember(event.organization, memberId, now)
        if (!sessions.length) continue
        await tx.endOidcSessions(sessions.map((s) => s.sid), now)
        const deliveries: LogoutDelivery[] = sessions
          .filter((s) => s.backchannelLogoutUri !== null)
          .map((s) => ({
            id: `bcl_${randomBase32(24)}`, orgId: s.orgId, clientId: s.clientId, memberId: s.memberId, sid: s.sid, eventId: event.id, url: s.backchannelLogoutUri!,
            status: 'pending', attempts: 0, lastResponseCode: null, lastError: null, nextAttemptAt: null, createdAt: now, updatedAt: now,
          }))
        await tx.insertLogoutDeliveries(deliveries)
      }
      await tx.setLogoutCursor(events[events.length - 1]!.position)
      return events.length
    })
  }

  /** One attempt for each due delivery of a bounded batch; returns how many were attempted. */
  async deliver(): Promise<number> {
    const now = this.clock.now()
    const leaseUntil = new Date(now.getTime() + 2 * this.options.timeoutMs + 2_000).toISOString()
    const claimed = await this.store.claimLogoutDeliveries(now.toISOString(), leaseUntil, this.options.batchSize)
    await Promise.all(claimed.map((delivery) => this.#attempt(delivery)))
    return claimed.length
  }

  async #attempt(delivery: LogoutDelivery): Promise<void> {
    const now = this.clock.now()
    const iat = Math.floor(now.getTime() / 1000)
    const token = await this.keys.sign(
      { iss: this.options.issuer, aud: delivery.clientId, iat, exp: iat + 120, jti: randomBase32(24), sub: delivery.memberId, sid: delivery.sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } },
      'logout+jwt',
    )
    const body = new URLSearchParams({ logout_token: token }).toString()
    const result = await postWebhook(delivery.url, { 'content-type': 'application/x-www-form-urlencoded' }, body, {
      timeoutMs: this.options.timeoutMs,
      allowPrivate: this.options.allowPrivateUrls,
    })
    const attempts = delivery.attempts + 1
    const exhausted = !result.ok && attempts >= this.options.maxAttempts
    await this.store.updateLogoutDelivery({
      ...delivery,
      attempts,
      status: result.ok ? 'delivered' : exhausted ? 'failed' : 'pending',
      lastResponseCode: result.status,
      lastError: result.error,
      nextAttemptAt: result.ok || exhausted ? null : new Date(now.getTime() + retryDelayMs(attempts, this.options)).toISOString(),
      updatedAt: this.clock.now().toISOString(),
    })
  }
}
