import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { ScimError } from '../../scim/errors.js'

export interface OrgRateLimit {
  /** Requests per organization per window; 0 turns the limit off. */
  max: number
  windowSeconds: number
}

/**
 * A request budget per organization on the authenticated SCIM routes (@fastify/rate-limit, keyed by the token's
 * organization, counted per Roster instance): one organization's identity provider or runaway script cannot starve
 * the others. Over budget: 429 with a SCIM error and Retry-After, which Entra and Okta honour by backing off.
 * Counted after authentication (preParsing), so an unknown token costs no budget and a throttled request's body is
 * never parsed.
 */
export async function limitRequestsPerOrganization(app: FastifyInstance, limit: OrgRateLimit): Promise<void> {
  if (limit.max === 0) return
  await app.register(rateLimit, {
    hook: 'preParsing',
    max: limit.max,
    timeWindow: limit.windowSeconds * 1000,
    keyGenerator: (request) => `org:${request.orgId}`,
    // Headers saying how much budget is left are noise on every Entra request; Retry-After on a 429 is what counts.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) =>
      new ScimError(
        429,
        `This organization sent more than ${context.max} SCIM requests in ${limit.windowSeconds} seconds, Roster's per-organization budget (SCIM_RATE_LIMIT); retry after ${context.after}.`,
      ),
  })
}
