import type { FastifyRequest } from 'fastify'
import type { ApiKeys } from '../../orgs/api-keys.js'
import { ApiProblem } from './problem.js'

/** Who is calling /api/v1: the host product (platform key), one organization's key, or a console session. */
export type Principal =
  | { kind: 'platform'; keyId: string }
  | { kind: 'organization'; orgId: string; keyId: string }
  | { kind: 'session'; orgId: string; memberId: string }

/** The console's session check, supplied by the console surface; null when the request carries no valid session. */
export type SessionAuthenticator = (request: FastifyRequest) => Promise<{ orgId: string; memberId: string } | null>
/** Throws (or returns false) when a session request that changes state fails the console's CSRF check. */
export type CsrfCheck = (request: FastifyRequest) => Promise<boolean> | boolean

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface AuthOptions {
  apiKeys: ApiKeys
  authenticateSession?: SessionAuthenticator
  checkCsrf?: CsrfCheck
}

/**
 * The onRequest hook of /api/v1. A bearer credential must be a valid API key (a session never rescues a bad key);
 * without one, the console's session is tried when the console supplied a way to check it.
 */
export function apiAuth(options: AuthOptions) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    await identify(request)
    // Tenancy before anything else looks at the request (body validation included): another organization's routes
    // are 404 whatever the body says.
    const orgId = (request.params as { orgId?: unknown } | undefined)?.orgId
    if (typeof orgId === 'string') assertOrgAccess(request, orgId)
  }

  async function identify(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) throw new ApiProblem('unauthorized', 'The Authorization header must be "Bearer <API key>".')
      const result = await options.apiKeys.verify(match[1]!)
      if (!result.ok) throw new ApiProblem('unauthorized', result.reason)
      request.principal = result.scope.kind === 'platform' ? { kind: 'platform', keyId: result.keyId } : { kind: 'organization', orgId: result.scope.orgId, keyId: result.keyId }
      return
    }
    const session = options.authenticateSession ? await options.authenticateSession(request) : null
    if (session) {
      if (!SAFE_METHODS.has(request.method)) {
        const passed = options.checkCsrf ? await options.checkCsrf(request) : false
        if (!passed) throw new ApiProblem('forbidden', 'The request failed the console\'s CSRF check; reload the page and try again.')
      }
      request.principal = { kind: 'session', orgId: session.orgId, memberId: session.memberId }
      return
    }
    throw new ApiProblem('unauthorized', 'Send an API key as "Authorization: Bearer rostk_…"; an operator creates one with: npm run cli -- api-key create --platform (or --org <organization id>).')
  }
}

/** The principal the auth hook set; every route behind the hook has one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('no principal: the route is not behind the API auth hook')
  return request.principal
}

/**
 * Tenancy, in one place: a platform key may name any organization; an organization key or a session only its own.
 * Another organization is answered 404 exactly like a missing one, so ids of other tenants cannot be probed.
 */
export function assertOrgAccess(request: FastifyRequest, orgId: string): void {
  const principal = principalOf(request)
  if (principal.kind !== 'platform' && principal.orgId !== orgId) throw organizationNotFound(orgId)
}

export const organizationNotFound = (orgId: string): ApiProblem => new ApiProblem('not-found', `No organization has the id "${orgId}".`)

/** Routes over every organization (the collection, the platform feed, platform webhooks). */
export function assertPlatform(request: FastifyRequest, what: string): void {
  if (principalOf(request).kind !== 'platform') {
    throw new ApiProblem('forbidden', `${what} needs a platform API key (npm run cli -- api-key create --platform); this credential belongs to one organization.`)
  }
}
