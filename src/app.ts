import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import { SCIM_BASE_PATH, tenantUrl, type Config } from './config.js'
import { GroupDirectory } from './directory/groups.js'
import { UserDirectory } from './directory/users.js'
import { registerHealthRoute } from './http/health-route.js'
import { registerTenantUrlHints } from './http/tenant-url-hints.js'
import { SCIM_MEDIA_TYPE } from './http/scim/media-type.js'
import { scimSurface } from './http/scim/scim-plugin.js'
import { ScimError } from './scim/errors.js'
import { systemClock, type Clock } from './lib/clock.js'
import { ScimTokens } from './orgs/scim-tokens.js'
import type { Store } from './store/store.js'
import { samlSurface, type CompleteLogin } from './http/sso/saml-plugin.js'
import { SamlSignIn } from './sso/saml/saml-sign-in.js'
import { SSO_SAML_BASE_PATH } from './sso/saml/sp-values.js'
import type { RefusedAttempt } from './sso/saml/sso-refusal.js'

export interface AppDependencies {
  config: Config
  store: Store
  clock?: Clock
  /** Fastify logger options; tests pass false. */
  logger?: FastifyServerOptions['logger']
  /** What a verified SSO login opens (the console's session); default: a page naming the member. */
  completeLogin?: CompleteLogin
  /** Records refused SSO attempts (the provisioning log). */
  onSsoRefused?: (attempt: RefusedAttempt) => void | Promise<void>
}

/** The composition root: builds the services and mounts the HTTP surfaces. Never listens (main.ts does). */
export async function buildApp({ config, store, clock = systemClock, logger, completeLogin, onSsoRefused }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      // Tokens travel in the Authorization header; make sure no serializer ever writes them out.
      redact: ['req.headers.authorization', 'headers.authorization'],
    },
    bodyLimit: config.maxBodyBytes,
    // Entra's ids and filters go in URLs; generous but bounded.
    // Hand-typed Tenant URLs vary: `/users`, `/Users/` reach the same resource (ids keep their case).
    routerOptions: { maxParamLength: 500, caseSensitive: false, ignoreTrailingSlash: true },
    // One log line per request costs more than the request itself on the hot paths; debug turns it on.
    // The router refuses some URLs (broken percent-encoding) before any route's error handler can run.
    frameworkErrors: (error, request, rawReply) => {
      const reply = rawReply as FastifyReply
      const scimError = ScimError.invalidSyntax(`The request URL is malformed: ${error.message}`)
      if (request.url.startsWith(SCIM_BASE_PATH)) return reply.code(400).type(SCIM_MEDIA_TYPE).send(scimError.toJSON())
      return reply.code(400).send({ status: 400, detail: scimError.message })
    },
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  })

  const onIgnored = (orgId: string, id: string | undefined, notes: string[]) =>
    app.log.info({ orgId, resourceId: id, notes }, 'accepted SCIM input that Roster does not store')
  const users = new UserDirectory(store, { maxPatchOperations: config.maxPatchOperations, clock, onIgnored })
  const groups = new GroupDirectory(store, { maxPatchOperations: config.maxPatchOperations, clock, onIgnored })
  const tokens = new ScimTokens(store, clock)

  registerHealthRoute(app, store)
  registerTenantUrlHints(app, tenantUrl(config))
  await app.register(scimSurface, {
    prefix: SCIM_BASE_PATH,
    tokens,
    users,
    groups,
    baseUrl: tenantUrl(config),
    defaultPageSize: config.defaultPageSize,
    maxPageSize: config.maxPageSize,
    maxBodyBytes: config.maxBodyBytes,
    maxPatchOperations: config.maxPatchOperations,
  })
  const signIn = new SamlSignIn(store, {
    publicUrl: config.publicUrl,
    clockSkewMs: config.samlClockSkewMs,
    requestTtlMs: config.samlRequestTtlMs,
    maxResponseBytes: config.maxBodyBytes,
    clock,
    onRefused: onSsoRefused,
  })
  await app.register(samlSurface, {
    prefix: SSO_SAML_BASE_PATH,
    basePath: SSO_SAML_BASE_PATH,
    signIn,
    completeLogin,
    // The ACS is a cross-site POST: the binding cookie must be SameSite=None, which browsers keep only with Secure.
    bindToBrowser: config.publicUrl.startsWith('https://'),
    requestTtlMs: config.samlRequestTtlMs,
  })
  return app
}
