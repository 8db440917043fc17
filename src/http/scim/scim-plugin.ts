import type { FastifyInstance } from 'fastify'
import type { ScimTokens } from '../../orgs/scim-tokens.js'
import { observeScimRequests } from '../metrics/scim-request-metrics.js'
import type { RosterMetrics } from '../metrics/roster-metrics.js'
import { registerProvisioningLogHooks, type ProvisioningLogHooksOptions } from './provisioning-log-hooks.js'
import { ScimError } from '../../scim/errors.js'
import { doubledResourceHint } from '../tenant-url-hints.js'
import { bearerAuth } from './bearer-auth.js'
import { registerDiscoveryRoutes } from './discovery-routes.js'
import { scimErrorHandler } from './error-handler.js'
import { registerGroupRoutes } from './groups-routes.js'
import { acceptJsonBodies } from './media-type.js'
import { limitRequestsPerOrganization } from './org-rate-limit.js'
import type { ScimContext } from './scim-context.js'
import { registerUserRoutes } from './users-routes.js'

export interface ScimSurfaceOptions extends ScimContext {
  tokens: ScimTokens
  metrics: RosterMetrics
  provisioningLog: ProvisioningLogHooksOptions
}

/**
 * The SCIM surface, mounted at /org/scim/v2: its own body parsing, error rendering and token auth, encapsulated so
 * that nothing here leaks into other surfaces (Fastify encapsulation).
 */
export async function scimSurface(app: FastifyInstance, options: ScimSurfaceOptions): Promise<void> {
  observeScimRequests(app, options.metrics)
  acceptJsonBodies(app)
  app.setErrorHandler(scimErrorHandler(options.maxBodyBytes))
  app.setNotFoundHandler(async (request) => {
    const path = request.url.split('?')[0] ?? ''
    throw ScimError.notFound(
      doubledResourceHint(path) ??
        `No SCIM endpoint at ${request.method} ${path}. Roster serves /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and /Schemas under the Tenant URL.`,
    )
  })

  // Discovery documents are the same for every organization and need no token (RFC 7644 §4).
  registerDiscoveryRoutes(app, {
    baseUrl: options.baseUrl,
    maxResults: options.maxPageSize,
    defaultPageSize: options.defaultPageSize,
    maxPayloadBytes: options.maxBodyBytes,
    maxOperations: options.maxPatchOperations,
  })

  // RFC 7644 §3.7 and §3.11: endpoints a service provider may leave out answer 501, which Entra logs as such.
  app.all('/Bulk', async () => {
    throw ScimError.notImplemented('Roster does not support /Bulk (ServiceProviderConfig bulk.supported is false); send one request per resource.')
  })
  app.all('/Me', async () => {
    throw ScimError.notImplemented('Roster does not support /Me: a SCIM token belongs to an organization, not to a user.')
  })

  await app.register(async (resources) => {
    resources.decorateRequest('orgId', '')
    resources.decorateRequest('writeObserver', undefined)
    resources.decorateRequest('scimTokenId', '')
    registerProvisioningLogHooks(resources, options.provisioningLog)
    // `/Users/Users`: a Tenant URL entered with /Users at its end would otherwise read as "user Users not found".
    resources.addHook('onRequest', (request, _reply, done) => {
      const hint = doubledResourceHint(request.url.split('?')[0] ?? '')
      done(hint ? ScimError.notFound(hint) : undefined)
    })
    resources.addHook('onRequest', bearerAuth(options.tokens))
    limitRequestsPerOrganization(resources, options.rateLimit)
    registerUserRoutes(resources, options)
    registerGroupRoutes(resources, options)
  })
}
