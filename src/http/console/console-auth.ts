import { parseCookie, stringifySetCookie } from 'cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type ConsoleSessionIdentity, type ConsoleSessions, csrfTokenFor, isValidCsrfToken, type SessionCheck } from '../../directory/console-access/console-sessions.js'

/** The session cookie. HttpOnly, SameSite=Lax, Path=/; Secure behind HTTPS. */
export const SESSION_COOKIE = 'roster_session'
/** The header that carries the CSRF token on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * What other surfaces need of console sessions. /api/v1 accepts a console session in place of an API key:
 * `authenticateSession` names the organization and member (or null), and `checkCsrf` must pass for every
 * state-changing request authenticated that way.
 */
export interface ConsoleAuth {
  authenticateSession(request: FastifyRequest): Promise<{ orgId: string; memberId: string } | null>
  /**
   * True for GET/HEAD/OPTIONS; otherwise true only when the X-CSRF-Token header matches the session cookie's token
   * and the request's Origin, when present, is the console's.
   */
  checkCsrf(request: FastifyRequest): boolean
  /** The session token of the request's cookie, if any (not validated). */
  sessionToken(request: FastifyRequest): string | undefined
  /** The request's session with its id (for sign-out), or null. */
  identify(request: FastifyRequest): Promise<ConsoleSessionIdentity | null>
  /** As identify(), saying why a session has just ended. */
  check(request: FastifyRequest): Promise<SessionCheck>
  csrfToken(sessionToken: string): string
  setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string): void
  clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void
  /** Whether a state-changing request comes from the console's own origin (or from no browser at all). */
  isSameOrigin(request: FastifyRequest): boolean
}

export interface ConsoleAuthOptions {
  sessions: ConsoleSessions
  /** PUBLIC_URL: an https one makes every cookie Secure. */
  publicUrl: string
}

export function createConsoleAuth({ sessions, publicUrl }: ConsoleAuthOptions): ConsoleAuth {
  const publicOrigin = new URL(publicUrl).origin
  const alwaysSecure = publicOrigin.startsWith('https:')
  // request.protocol honours X-Forwarded-Proto only when TRUST_PROXY is set (Fastify's trustProxy).
  const secure = (request: FastifyRequest): boolean => alwaysSecure || request.protocol === 'https'

  const sessionToken = (request: FastifyRequest): string | undefined => {
    const header = request.headers.cookie
    if (typeof header !== 'string' || header === '') return undefined
    return parseCookie(header)[SESSION_COOKIE]
  }

  const identify = (request: FastifyRequest) => sessions.authenticate(sessionToken(request))

  const isSameOrigin = (request: FastifyRequest): boolean => {
    const origin = request.headers.origin
    // Browsers send Origin on every cross-origin POST; a request without one is not a cross-site form.
    if (origin === undefined) return true
    return origin === publicOrigin || origin === `${request.protocol}://${request.host}`
  }

  return {
    sessionToken,
    identify,
    check: (request) => sessions.check(sessionToken(request)),
    async authenticateSession(request) {
      const identity = await identify(request)
      return identity === null ? null : { orgId: identity.orgId, memberId: identity.memberId }
    },
    checkCsrf(request) {
      if (SAFE_METHODS.has(request.method)) return true
      if (!isSameOrigin(request)) return false
      const token = sessionToken(request)
      const presented = request.headers[CSRF_HEADER]
      return token !== undefined && typeof presented === 'string' && isValidCsrfToken(token, presented)
    },
    csrfToken: csrfTokenFor,
    setSessionCookie(request, reply, token, expiresAt) {
      reply.header(
        'set-cookie',
        stringifySetCookie({ name: SESSION_COOKIE, value: token, httpOnly: true, sameSite: 'lax', path: '/', secure: secure(request), expires: new Date(expiresAt) }),
      )
    },
    clearSessionCookie(request, reply) {
      reply.header(
        'set-cookie',
        stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'lax', path: '/', secure: secure(request), expires: new Date(0) }),
      )
    },
    isSameOrigin,
  }
}
