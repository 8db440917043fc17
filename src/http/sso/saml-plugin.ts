import formbody from '@fastify/formbody'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from '../../lib/database-unavailable.js'
import { DomainError } from '../../lib/domain-error.js'
import { safeRelayState } from '../../sso/saml/relay-state.js'
import type { SamlSignIn } from '../../sso/saml/saml-sign-in.js'
import { SsoRefusal } from '../../sso/saml/sso-refusal.js'
import type { VerifiedLogin } from '../../sso/saml/types.js'
import { htmlPage } from './html-page.js'
import { readRequestIds, requestCookie } from './request-cookie.js'

/**
 * What happens after a verified login: the console creates its session here (and the OIDC provider will resume its
 * authorization request). The default renders a page naming the signed-in member: a seam, not a session.
 */
export type CompleteLogin = (request: FastifyRequest, reply: FastifyReply, login: VerifiedLogin, context?: LoginContext) => unknown

/** What the ACS knows about the login besides who it is: the AuthnRequest it answered (null: IdP-initiated). */
export interface LoginContext {
  inResponseTo: string | null
}

export interface SamlSurfaceOptions {
  signIn: SamlSignIn
  completeLogin?: CompleteLogin
  /** Bind SP-initiated logins to the browser that started them (request-cookie.ts); needs https. */
  bindToBrowser: boolean
  /** Lifetime of a started login, for the cookie. */
  requestTtlMs: number
  /** Where the surface is mounted (the cookie's Path). */
  basePath: string
}

const HTML = 'text/html; charset=utf-8'
/** Refusals about the person (who they are in the directory), answered 403; the others are 400 (a broken message). */
const ACCOUNT_REASONS: ReadonlySet<string> = new Set(['not_provisioned', 'deactivated', 'deleted_by_directory', 'ambiguous_member'])

const defaultCompleteLogin: CompleteLogin = (_request, reply, login) =>
  reply
    .type(HTML)
    .send(
      htmlPage('You are signed in', [
        `Signed in as ${login.nameId} (member ${login.memberId}) in organization ${login.orgId}.`,
        'Roster has no page for members yet; your product signs you in through Roster.',
      ]),
    )

/**
 * The SAML surface, mounted at /sso/saml: SP-initiated start (by connection, organization or email domain), the
 * ACS (HTTP-POST binding, also IdP-initiated logins), and SP metadata per connection. Refusals are pages in plain
 * words, each logged with its reason; nothing here reads identity from the raw POST.
 */
export async function samlSurface(app: FastifyInstance, options: SamlSurfaceOptions): Promise<void> {
  const { signIn } = options
  const completeLogin = options.completeLogin ?? defaultCompleteLogin
  await app.register(formbody)

  const page = (reply: FastifyReply, status: number, title: string, ...paragraphs: string[]) =>
    reply.code(status).type(HTML).header('cache-control', 'no-store').send(htmlPage(title, paragraphs))

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof DomainError) return page(reply, error.code === 'not_found' ? 404 : 400, 'Single sign-on', error.message)
    const status = (error as { statusCode?: number }).statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      return page(reply, status, 'Single sign-on', 'The request could not be read. Start again from your sign-in page.')
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'SSO request: database unavailable')
      return page(reply.header('retry-after', '5'), 503, 'Sign-in is briefly unavailable', 'Roster cannot reach its database right now. Try again in a moment.')
    }
    request.log.error({ err: error }, 'SSO request failed')
    return page(reply, 500, 'Something went wrong', `Roster could not complete the sign-in (request ${request.id}). Try again; if it keeps happening, tell your IT admin.`)
  })

  /** Redirects to the IdP, or explains why a login cannot start. */
  const start = async (request: FastifyRequest, reply: FastifyReply, by: { connectionId?: string; orgId?: string; email?: string }) => {
    const query = request.query as Record<string, unknown>
    const returnTo = typeof query.returnTo === 'string' && query.returnTo !== '' ? query.returnTo : undefined
    if (returnTo !== undefined && safeRelayState(returnTo) === undefined) {
      request.log.warn({ reason: 'relay_state_refused', returnTo: returnTo.slice(0, 200) }, 'SAML login start refused')
      return page(reply, 400, 'Sign-in link not accepted', 'This sign-in link would send you to another site after signing in, so Roster refused it. Start again from Roster.')
    }
    const connection = await signIn.findConnection(by)
    if (connection === undefined) {
      return page(reply, 404, 'Single sign-on is not set up', 'No single sign-on is set up for this organization or email domain. Ask your IT admin how to sign in.')
    }
    const loginHint = typeof by.email === 'string' ? by.email : undefined
    const started = await signIn.start(connection, returnTo, loginHint)
    if (options.bindToBrowser) {
      const ids = [...readRequestIds(request.headers.cookie), started.requestId]
      reply.header('set-cookie', requestCookie(ids, options.basePath, Math.ceil(options.requestTtlMs / 1000)))
    }
    return reply.header('cache-control', 'no-store').redirect(started.url, 302)
  }

  app.get('/start', async (request, reply) => {
    const { org, email } = request.query as Record<string, unknown>
    if (typeof org === 'string' && org !== '') return start(request, reply, { orgId: org })
    if (typeof email === 'string' && email.includes('@')) return start(request, reply, { email })
    return page(reply, 400, 'Sign in with SSO', 'Enter your work email address (or your organization id) to sign in with single sign-on.')
  })
  app.get<{ Params: { connectionId: string } }>('/:connectionId/start', (request, reply) => start(request, reply, { connectionId: request.params.connectionId }))

  app.post<{ Params: { connectionId: string } }>('/:connectionId/acs', async (request, reply) => {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>
    const connectionId = request.params.connectionId
    try {
      const browserIds = options.bindToBrowser ? readRequestIds(request.headers.cookie) : undefined
      const { login, refusedRelayState, inResponseTo } = await signIn.complete(connectionId, { SAMLResponse: body.SAMLResponse, RelayState: body.RelayState }, browserIds)
      if (browserIds !== undefined && inResponseTo !== null) {
        reply.header('set-cookie', requestCookie(browserIds.filter((id) => id !== inResponseTo), options.basePath, Math.ceil(options.requestTtlMs / 1000)))
      }
      if (refusedRelayState !== null) {
        request.log.warn({ reason: 'relay_state_refused', connectionId, relayState: refusedRelayState.slice(0, 200) }, 'SAML RelayState not followed')
      }
      request.log.info({ connectionId, orgId: login.orgId, memberId: login.memberId }, 'SAML login accepted')
      return completeLogin(request, reply, login, { inResponseTo })
    } catch (error) {
      if (!(error instanceof SsoRefusal)) throw error
      request.log.warn({ reason: error.reason, detail: error.detail, connectionId, nameId: error.nameId, memberId: error.memberId }, 'SAML login refused')
      const status = ACCOUNT_REASONS.has(error.reason) ? 403 : 400
      return page(reply, status, error.page.title, error.page.message)
    }
  })
  app.get('/:connectionId/acs', async (_request, reply) =>
    page(reply, 405, 'Single sign-on', 'This address receives sign-ins from your identity provider. Start at your sign-in page instead.'),
  )

  app.get<{ Params: { connectionId: string } }>('/:connectionId/metadata', async (request, reply) => {
    const connection = await signIn.findConnection({ connectionId: request.params.connectionId })
    if (connection === undefined) return page(reply, 404, 'Single sign-on', 'There is no SSO connection at this address.')
    return reply.type('application/samlmetadata+xml; charset=utf-8').send(signIn.spMetadataXml(connection))
  })
}
