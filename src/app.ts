import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import { oidcSettings, SCIM_BASE_PATH, tenantUrl, type Config } from './config.js'
import { ConsoleSessions } from './directory/console-access/console-sessions.js'
import { LoginLinks } from './directory/console-access/login-links.js'
import { directoryServices } from './directory/directory-services.js'
import { createConsoleAuth, type ConsoleAuth } from './http/console/console-auth.js'
import { consolePlugin } from './http/console/console-plugin.js'
import { ssoConsoleLogin } from './http/console/sso-console-login.js'
import { apiSurface } from './http/api/api-plugin.js'
import type { CsrfCheck, SessionAuthenticator } from './http/api/principal.js'
import { ApiProblem, PROBLEM_MEDIA_TYPE } from './http/api/problem.js'
import { registerHealthRoute } from './http/health-route.js'
import { registerMetricsRoute } from './http/metrics/metrics-route.js'
import { provisioningLogEvents } from './http/metrics/provisioning-log-events.js'
import { RosterMetrics } from './http/metrics/roster-metrics.js'
import { provisioningLogWorkers, type ProvisioningLogWorkers } from './provisioning/provisioning-log-workers.js'
import { serverLoggerOptions } from './http/server-logger.js'
import { registerTenantUrlHints } from './http/tenant-url-hints.js'
import { serverOptions } from './http/server-options.js'
import { SCIM_MEDIA_TYPE } from './http/scim/media-type.js'
import { scimSurface } from './http/scim/scim-plugin.js'
import { ScimError } from './scim/errors.js'
import { systemClock, type Clock } from './lib/clock.js'
import { EventFeed } from './events/feed.js'
import { Webhooks } from './events/webhooks/webhooks.js'
import { ApiKeys } from './orgs/api-keys.js'
import { Organizations } from './orgs/organizations.js'
import { ScimTokens } from './orgs/scim-tokens.js'
import type { Store } from './store/store.js'
import { samlSurface, type CompleteLogin } from './http/sso/saml-plugin.js'
import { jitLogEntry } from './http/sso/jit-log-entry.js'
import { refusalLogEntry } from './http/sso/refusal-log-entry.js'
import { SamlConnections } from './sso/saml/saml-connections.js'
import { SamlSignIn } from './sso/saml/saml-sign-in.js'
import { SSO_SAML_BASE_PATH } from './sso/saml/sp-values.js'
import type { RefusedAttempt } from './sso/saml/sso-refusal.js'
import { oidcSurface } from './http/oidc/oidc-plugin.js'
import { oidcCompleteLogin } from './http/oidc/oidc-complete-login.js'
import { OidcClients } from './oidc/oidc-clients.js'
import { oidcServices } from './oidc/oidc-services.js'
import { OrgDomains, type TxtResolver } from './oidc/org-domains.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The provisioning log: queries (`.log`), its writer and retention; main.ts starts them, app.close() flushes. */
    provisioningLog: ProvisioningLogWorkers
  }
}

export interface AppDependencies {
  config: Config
  store: Store
  clock?: Clock
  /** Fastify logger options; tests pass false. */
  logger?: FastifyServerOptions['logger']
  /** The built console to serve (default web/dist). */
  consoleDistDir?: string
  /** Replace the console's session check and CSRF check for /api/v1 (tests); by default the console's own. */
  authenticateSession?: SessionAuthenticator
  checkCsrf?: CsrfCheck
  /** What a verified SSO login opens; default: the console's session for an ADMIN (sso-console-login.ts). */
  completeLogin?: CompleteLogin
  /** Records refused SSO attempts (the provisioning log). */
  onSsoRefused?: (attempt: RefusedAttempt) => void | Promise<void>
  /** DNS TXT lookups for organization domain verification (default node:dns/promises resolveTxt); tests stub it. */
  resolveTxt?: TxtResolver
}

/** The composition root: builds the services and mounts the HTTP surfaces. Never listens (main.ts does). */
export async function buildApp({
  config, store, clock = systemClock, logger, consoleDistDir, authenticateSession, checkCsrf, completeLogin, onSsoRefused, resolveTxt,
}: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    // Tokens and session cookies are redacted, and token-shaped text is scrubbed from logged URLs.
    logger: logger ?? serverLoggerOptions(config),
    bodyLimit: config.maxBodyBytes,
    // Behind a TLS proxy (TRUST_PROXY=true), request.protocol follows X-Forwarded-Proto, so console cookies get Secure.
    trustProxy: config.trustProxy,
    ...serverOptions(config),
    // Entra's ids and filters go in URLs; generous but bounded.
    // Hand-typed Tenant URLs vary: `/users`, `/Users/` reach the same resource (ids keep their case).
    routerOptions: { maxParamLength: 500, caseSensitive: false, ignoreTrailingSlash: true },
    // One log line per request costs more than the request itself on the hot paths; debug turns it on.
    // The router refuses some URLs (broken percent-encoding) before any route's error handler can run.
    frameworkErrors: (error, request, rawReply) => {
      const reply = rawReply as FastifyReply
      const scimError = ScimError.invalidSyntax(`The request URL is malformed: ${error.message}`)
      if (request.url.startsWith(SCIM_BASE_PATH)) return reply.code(400).type(SCIM_MEDIA_TYPE).send(scimError.toJSON())
      if (request.url.startsWith('/api/')) {
        const problem = new ApiProblem('invalid-request', `The request URL is malformed: ${error.message}`)
        return reply.code(400).type(PROBLEM_MEDIA_TYPE).send(problem.body())
      }
      return reply.code(400).send({ status: 400, detail: scimError.message })
    },
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  })

  const onIgnored = (orgId: string, id: string | undefined, notes: string[]) =>
    app.log.info({ orgId, resourceId: id, notes }, 'accepted SCIM input that Roster does not store')
  // One factory builds every member-changing service with the events outbox hook (directory-services.ts).
  const { users, groups, members, roleSettings } = directoryServices(store, { maxPatchOperations: config.maxPatchOperations, clock, onIgnored })
  const tokens = new ScimTokens(store, clock)
  const sessions = new ConsoleSessions(store, clock)
  // The console's session check and CSRF check; /api/v1 takes these to accept a console session instead of a key.
  const consoleAuth: ConsoleAuth = createConsoleAuth({ sessions, publicUrl: config.publicUrl })
  const metrics = new RosterMetrics()
  const apiKeys = new ApiKeys(store, clock)
  // The OpenID Connect provider's clients and organization domains (the API manages them; the provider uses them).
  const oidcClients = new OidcClients(store, clock, { allowPrivateUrls: config.webhooks.allowPrivateUrls })
  const orgDomains = new OrgDomains(store, clock, resolveTxt)
  const provisioningLog = provisioningLogWorkers(store, clock, config.provisioningLog, provisioningLogEvents(metrics, app.log))
  app.decorate('provisioningLog', provisioningLog)
  app.addHook('onClose', () => provisioningLog.stop())

  registerHealthRoute(app, store)
  registerMetricsRoute(app, metrics, () => provisioningLog.writer?.pending ?? 0)
  registerTenantUrlHints(app, tenantUrl(config))
  await app.register(scimSurface, {
    prefix: SCIM_BASE_PATH,
    tokens,
    metrics,
    provisioningLog: { writer: provisioningLog.writer, clock, onOperation: (kind) => metrics.operations.inc({ kind }) },
    users,
    groups,
    baseUrl: tenantUrl(config),
    defaultPageSize: config.defaultPageSize,
    maxPageSize: config.maxPageSize,
    maxBodyBytes: config.maxBodyBytes,
    maxPatchOperations: config.maxPatchOperations,
    rateLimit: { max: config.scimRateLimit, windowSeconds: config.scimRateLimitWindowSeconds },
    clock,
  })
  await app.register(consolePlugin, {
    auth: consoleAuth,
    links: new LoginLinks(store, clock),
    sessions,
    organizations: new Organizations(store, clock),
    users,
    tenantUrl: tenantUrl(config),
    distDir: consoleDistDir,
  })
  await app.register(apiSurface, {
    services: {
      organizations: new Organizations(store, clock),
      scimTokens: tokens,
      groups,
      events: new EventFeed(store, { retentionDays: config.eventRetentionDays }),
      webhooks: new Webhooks(store, clock, { allowPrivateUrls: config.webhooks.allowPrivateUrls }),
      members,
      roleSettings,
      provisioningLog: provisioningLog.log,
      apiKeys,
      clock,
      samlConnections: new SamlConnections(store, clock, {
        publicUrl: config.publicUrl,
        metadata: { timeoutMs: config.samlMetadataTimeoutMs, maxBytes: config.samlMetadataMaxBytes },
      }),
      oidcClients,
      orgDomains,
    },
    apiKeys,
    publicUrl: config.publicUrl,
    maxBodyBytes: config.maxBodyBytes,
    // The console is a client of /api/v1 like any other, with its session instead of an API key.
    authenticateSession: authenticateSession ?? consoleAuth.authenticateSession,
    checkCsrf: checkCsrf ?? consoleAuth.checkCsrf,
  })
  const signIn = new SamlSignIn(store, {
    publicUrl: config.publicUrl,
    clockSkewMs: config.samlClockSkewMs,
    requestTtlMs: config.samlRequestTtlMs,
    maxResponseBytes: config.maxBodyBytes,
    clock,
    // Refused sign-ins go to the organization's provisioning log (and to an observer when one is given).
    onRefused: (attempt) => {
      const entry = refusalLogEntry(attempt)
      if (entry) provisioningLog.writer?.enqueue(entry)
      return onSsoRefused?.(attempt)
    },
    // Just-in-time creation (for connections that turn it on) goes through the directory's Members, with its event.
    jit: { members, onCreated: (created) => void provisioningLog.writer?.enqueue(jitLogEntry(created)) },
  })
  const oidc = oidcServices(store, clock, oidcSettings(config), { saml: signIn, allowPrivateUrls: config.webhooks.allowPrivateUrls, clients: oidcClients, domains: orgDomains })
  await app.register(oidcSurface, {
    oidc,
    bindSamlToBrowser: config.publicUrl.startsWith('https://'),
    samlBasePath: SSO_SAML_BASE_PATH,
    samlRequestTtlMs: config.samlRequestTtlMs,
    secureCookies: config.publicUrl.startsWith('https://'),
  })
  await app.register(samlSurface, {
    prefix: SSO_SAML_BASE_PATH,
    basePath: SSO_SAML_BASE_PATH,
    signIn,
    // An ADMIN's SSO login opens the console, as the login link does; tests may observe logins instead.
    // A login that resumes an OpenID Connect authorization issues its code; any other opens the console.
    completeLogin: oidcCompleteLogin(oidc.authorizations, completeLogin ?? ssoConsoleLogin({ auth: consoleAuth, sessions, users })),
    // The ACS is a cross-site POST: the binding cookie must be SameSite=None, which browsers keep only with Secure.
    bindToBrowser: config.publicUrl.startsWith('https://'),
    requestTtlMs: config.samlRequestTtlMs,
  })
  return app
}
