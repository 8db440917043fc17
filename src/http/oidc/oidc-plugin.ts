import formbody from '@fastify/formbody'
import { parseCookie, stringifySetCookie } from 'cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from '../../lib/database-unavailable.js'
import { DomainError } from '../../lib/domain-error.js'
import type { AuthorizeParams } from '../../oidc/authorizations.js'
import { OidcError, UntrustedRedirect } from '../../oidc/oidc-error.js'
import type { OidcServices } from '../../oidc/oidc-services.js'
import { readRequestIds, requestCookie } from '../sso/request-cookie.js'
import { htmlPage } from '../sso/html-page.js'
import { clientCredentials } from './client-credentials.js'
import { discoveryDocument, OIDC_BASE_PATH } from './discovery.js'

export interface OidcSurfaceOptions {
  oidc: OidcServices
  /** Bind the SAML login to the browser (the SAML surface's cookie, https only), as its own start does. */
  bindSamlToBrowser: boolean
  samlBasePath: string
  samlRequestTtlMs: number
  /** Secure cookies (the public URL is https). */
  secureCookies: boolean
}

const HTML = 'text/html; charset=utf-8'
const BINDING_COOKIE = 'roster_oidc_'
const AUTHORIZE_PARAMS = [
  'client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'organization', 'login_hint',
  'prompt', 'max_age', 'request', 'request_uri', 'response_mode',
] as const

const isProtocolEndpoint = (request: FastifyRequest) => /^\/oidc\/(token|userinfo)\b/i.test(request.url)

/**
 * Roster's OpenID Connect provider over HTTP: discovery, JWKS, authorize (→ the organization's SAML login → resume →
 * code), token and userinfo. The rules live in src/oidc/; this file maps them to the protocol's shapes: errors go to
 * a registered redirect URI, or to a page when the redirect URI cannot be trusted, or as JSON `{error}` bodies.
 */
export async function oidcSurface(app: FastifyInstance, options: OidcSurfaceOptions): Promise<void> {
  const { oidc } = options
  await app.register(formbody)

  const page = (reply: FastifyReply, status: number, title: string, ...paragraphs: string[]) =>
    reply.code(status).type(HTML).header('cache-control', 'no-store').send(htmlPage(title, paragraphs))
  const protocolError = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description })

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OidcError) return protocolError(reply, error.error === 'invalid_client' ? 401 : 400, error.error, error.message)
    if (error instanceof DomainError) return page(reply, error.code === 'not_found' ? 404 : error.code === 'forbidden' ? 403 : 400, 'Sign-in not completed', error.message)
    const status = (error as { statusCode?: number }).statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      if (isProtocolEndpoint(request)) return protocolError(reply, 400, 'invalid_request', `The request could not be read: ${(error as Error).message}`)
      return page(reply, status, 'Sign-in', 'The request could not be read. Start again from your application.')
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'OIDC request: database unavailable')
      reply.header('retry-after', '5')
      if (isProtocolEndpoint(request)) return protocolError(reply, 503, 'temporarily_unavailable', 'Roster cannot reach its database right now; try again.')
      return page(reply, 503, 'Sign-in is briefly unavailable', 'Roster cannot reach its database right now. Try again in a moment.')
    }
    request.log.error({ err: error }, 'OIDC request failed')
    if (isProtocolEndpoint(request)) return protocolError(reply, 500, 'server_error', `Roster failed to handle the request (request ${request.id}).`)
    return page(reply, 500, 'Something went wrong', `Roster could not complete the sign-in (request ${request.id}). Try again.`)
  })

  app.get('/.well-known/openid-configuration', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(discoveryDocument(oidc.settings.issuer)),
  )
  app.get(`${OIDC_BASE_PATH}/jwks`, async (_request, reply) =>
    // Short cache: a rotation must reach relying parties before the previous key is retired.
    reply.type('application/jwk-set+json').header('cache-control', 'public, max-age=300').send(await oidc.keys.jwks()),
  )

  // OpenID Connect Core §3.1.2.1: the authorization endpoint takes GET (query) and POST (form body) alike.
  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    const source = request.method === 'POST' ? request.body : request.query
    const query = (typeof source === 'object' && source !== null ? source : {}) as Record<string, unknown>
    const params: AuthorizeParams = {}
    for (const name of AUTHORIZE_PARAMS) {
      const value = query[name]
      if (Array.isArray(value)) return page(reply, 400, 'Sign-in request not accepted', `The ${name} parameter was sent more than once. Start again from your application.`)
      if (typeof value === 'string' && value !== '') params[name] = value
    }
    let trusted: Awaited<ReturnType<typeof oidc.authorizations.trustedRedirect>>
    try {
      trusted = await oidc.authorizations.trustedRedirect(params)
    } catch (error) {
      if (!(error instanceof UntrustedRedirect)) throw error
      request.log.warn({ reason: 'untrusted_redirect', clientId: params.client_id?.slice(0, 64) }, 'OIDC authorization refused')
      return page(reply, 400, 'Sign-in request not accepted', error.message, 'Roster does not send you back to an address it cannot trust. Ask the application’s developers to check its OpenID Connect settings.')
    }
    try {
      const started = await oidc.authorizations.begin(trusted.client, trusted.redirectUri, params)
      const cookies = [
        stringifySetCookie({
          name: `${BINDING_COOKIE}${started.pendingId}`, value: started.binding, httpOnly: true, sameSite: 'lax',
          path: `${OIDC_BASE_PATH}/resume/${started.pendingId}`, secure: options.secureCookies, maxAge: Math.ceil(options.samlRequestTtlMs / 1000),
        }),
      ]
      if (options.bindSamlToBrowser) {
        cookies.push(requestCookie([...readRequestIds(request.headers.cookie), started.samlRequestId], options.samlBasePath, Math.ceil(options.samlRequestTtlMs / 1000)))
      }
      return reply.header('set-cookie', cookies).header('cache-control', 'no-store').redirect(started.samlUrl, 302)
    } catch (error) {
      if (!(error instanceof OidcError)) throw error
      request.log.info({ reason: error.error, detail: error.message, clientId: trusted.client.id }, 'OIDC authorization refused')
      return reply.header('cache-control', 'no-store').redirect(oidc.authorizations.errorRedirect(trusted.redirectUri, params.state, error).url, 302)
    }
  }
  app.get(`${OIDC_BASE_PATH}/authorize`, authorize)
  app.post(`${OIDC_BASE_PATH}/authorize`, authorize)

  app.get<{ Params: { id: string } }>(`${OIDC_BASE_PATH}/resume/:id`, async (request, reply) => {
    const id = request.params.id
    const binding = request.headers.cookie ? parseCookie(request.headers.cookie)[`${BINDING_COOKIE}${id}`] : undefined
    const ticket = (request.query as Record<string, unknown>).ticket
    const redirect = await oidc.authorizations.resume(id, binding, typeof ticket === 'string' ? ticket : undefined)
    reply.header('set-cookie', stringifySetCookie({ name: `${BINDING_COOKIE}${id}`, value: '', path: `${OIDC_BASE_PATH}/resume/${id}`, httpOnly: true, sameSite: 'lax', secure: options.secureCookies, expires: new Date(0) }))
    return reply.header('cache-control', 'no-store').redirect(redirect.url, 303)
  })

  app.post(`${OIDC_BASE_PATH}/token`, async (request, reply) => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '')) {
      throw new OidcError('invalid_request', 'Send the token request as application/x-www-form-urlencoded (RFC 6749 §4.1.3).')
    }
    const form = formOf(request.body)
    const credentials = clientCredentials(request.headers.authorization, form)
    try {
      const tokens = await oidc.tokens.exchange(credentials, form)
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(tokens)
    } catch (error) {
      if (error instanceof OidcError) {
        request.log.info({ reason: error.error, detail: error.message, clientId: credentials?.clientId.slice(0, 64) }, 'OIDC token request refused')
        if (error.error === 'invalid_client' && request.headers.authorization?.startsWith('Basic ')) reply.header('www-authenticate', 'Basic realm="roster"')
      }
      throw error
    }
  })

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization
    // The scheme is case-insensitive (RFC 7235 §2.1): "bearer" is as good as "Bearer".
    const token = header?.match(/^Bearer +(\S+) *$/i)?.[1]
    try {
      return reply.header('cache-control', 'no-store').send(await oidc.tokens.userinfo(token))
    } catch (error) {
      if (!(error instanceof OidcError)) throw error
      // A header value: printable ASCII only, no quotes (RFC 6750 §3 error_description syntax).
      const quoted = error.message.replace(/[^\x20-\x7e]|["\\]/g, '')
      return reply.code(401).header('cache-control', 'no-store').header('www-authenticate', `Bearer error="${error.error}", error_description="${quoted}"`).send({ error: error.error, error_description: error.message })
    }
  }
  app.get(`${OIDC_BASE_PATH}/userinfo`, userinfo)
  app.post(`${OIDC_BASE_PATH}/userinfo`, userinfo)

  // Anything else under /oidc answers in the provider's shapes, not the SCIM surface's root 404.
  app.get(`${OIDC_BASE_PATH}/token`, async (_request, reply) => protocolError(reply.header('allow', 'POST'), 405, 'invalid_request', 'The token endpoint takes POST requests.'))
  app.all(`${OIDC_BASE_PATH}/*`, async (request, reply) =>
    page(reply, 404, 'Not found', `Nothing is served at ${request.url.split('?')[0]}. The OpenID Connect endpoints are listed at /.well-known/openid-configuration.`),
  )
}

function formOf(body: unknown): Record<string, string | undefined> {
  if (typeof body !== 'object' || body === null) throw new OidcError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.')
  const form: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    // RFC 6749 §3.2: parameters must not be repeated.
    if (Array.isArray(value)) throw new OidcError('invalid_request', `The ${name} parameter was sent more than once.`)
    if (typeof value === 'string') form[name] = value
  }
  return form
}
