import type { FastifyInstance } from 'fastify'
import { ScimError } from '../../scim/errors.js'

export interface OrgRateLimit {
  /** Requests per organization per window (also the largest burst); 0 turns the limit off. */
  max: number
  windowSeconds: number
}

/** Organizations tracked before idle (full) buckets are dropped; bounds memory whatever the number of organizations. */
const MAX_TRACKED = 10_000

/**
 * One token bucket per organization: `max` tokens, refilled continuously at max / window per second, one token per
 * request. Written here rather than taken from @fastify/rate-limit (11.x): its in-memory store hands every request the
 * same live counter object, so a burst arriving in one tick all read the final count and was refused entirely, and
 * its fixed windows let twice the budget through around a window's edge. A bucket refills as steadily as Entra syncs,
 * and tells the exact wait for Retry-After.
 */
export class OrgTokenBuckets {
  readonly #capacity: number
  readonly #perMs: number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(limit: OrgRateLimit, readonly now: () => number = Date.now) {
    this.#capacity = limit.max
    this.#perMs = limit.max / (limit.windowSeconds * 1000)
  }

  /** Takes a token for `orgId`: 0 when granted, else the seconds to wait until one is available. */
  take(orgId: string): number {
    const now = this.now()
    const bucket = this.#buckets.get(orgId) ?? { tokens: this.#capacity, at: now }
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#perMs)
    bucket.at = now
    this.#remember(orgId, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000))
  }

  #remember(orgId: string, bucket: { tokens: number; at: number }): void {
    if (!this.#buckets.has(orgId) && this.#buckets.size >= MAX_TRACKED) {
      // A full bucket holds nothing worth remembering: forgetting it gives the same answer next time.
      const now = this.now()
      for (const [key, other] of this.#buckets) if (other.tokens + (now - other.at) * this.#perMs >= this.#capacity) this.#buckets.delete(key)
    }
    this.#buckets.set(orgId, bucket)
  }
}

/**
 * The per-organization request budget of the authenticated SCIM routes (counted per Roster instance): one
 * organization's identity provider or runaway script cannot starve the others. Over budget: 429 with a SCIM error and
 * Retry-After, which Entra and Okta honour by backing off. Counted after authentication (preParsing), so an unknown
 * token spends no one's budget and a throttled request's body is never parsed.
 */
export function limitRequestsPerOrganization(app: FastifyInstance, limit: OrgRateLimit | undefined): void {
  if (limit === undefined || limit.max === 0) return
  const buckets = new OrgTokenBuckets(limit)
  app.addHook('preParsing', async (request, reply, payload) => {
    const wait = buckets.take(request.orgId)
    if (wait === 0) return payload
    reply.header('retry-after', String(wait))
    throw new ScimError(
      429,
      `This organization sent more than ${limit.max} SCIM requests in ${limit.windowSeconds} seconds, Roster's per-organization budget (SCIM_RATE_LIMIT); retry after ${wait} s.`,
    )
  })
}
