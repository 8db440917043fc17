import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import type { ApiKeys } from '../../orgs/api-keys.js'
import type { ApiServices } from './api-context.js'
import { apiErrorHandler } from './error-handler.js'
import { registerEventRoutes } from './events-routes.js'
import { registerGroupRoutes } from './groups-routes.js'
import { registerOrganizationRoutes } from './organizations-routes.js'
import { apiAuth, type CsrfCheck, type SessionAuthenticator } from './principal.js'
import { ApiProblem } from './problem.js'
import { registerScimTokenRoutes } from './scim-tokens-routes.js'
import { registerSsoConnectionRoutes } from './sso-connection-routes.js'
import { registerWebhookRoutes } from './webhooks-routes.js'
import { registerApiKeyRoutes } from './api-keys-routes.js'
import { registerMemberRoutes } from './members-routes.js'
import { registerProvisioningLogRoutes } from './provisioning-log-routes.js'
import { registerSettingsRoutes } from './settings-routes.js'
import { registerOidcClientRoutes } from './oidc-clients-routes.js'
import { registerOrgDomainRoutes } from './org-domains-routes.js'

export const API_BASE_PATH = '/api/v1'
export const API_DOCS_PATH = '/api/docs'

export interface ApiSurfaceOptions {
  services: ApiServices
  apiKeys: ApiKeys
  publicUrl: string
  maxBodyBytes: number
  /** The console's session check; without it only API keys authenticate. */
  authenticateSession?: SessionAuthenticator
  /** Required with authenticateSession: state-changing session requests must pass it. */
  checkCsrf?: CsrfCheck
}

/**
 * The host product's API: /api/v1 (API keys or a console session), its OpenAPI 3.1 document generated from the
 * routes' TypeBox schemas at /api/v1/openapi.json, and browsable docs at /api/docs served from the package's own
 * assets (no CDN). Encapsulated: its error handler, auth hook and 404s touch no other surface.
 */
export async function apiSurface(app: FastifyInstance, options: ApiSurfaceOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Roster API',
        version: '1.0.0',
        description: 'Organizations, their members, settings, groups, SCIM tokens, API keys, provisioning log, events and webhooks. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: options.publicUrl }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'rostk_… API key' } } },
      security: [{ apiKey: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: API_DOCS_PATH, staticCSP: true })

  app.get(`${API_BASE_PATH}/openapi.json`, { schema: { hide: true } }, async () => app.swagger())

  await app.register(
    async (api) => {
      api.setErrorHandler(apiErrorHandler(options.maxBodyBytes))
      api.setNotFoundHandler(async (request) => {
        throw new ApiProblem('not-found', `No API endpoint at ${request.method} ${request.url.split('?')[0]}; the endpoints are listed in ${API_BASE_PATH}/openapi.json.`)
      })
      api.decorateRequest('principal', null)
      api.addHook('onRequest', apiAuth({ apiKeys: options.apiKeys, authenticateSession: options.authenticateSession, checkCsrf: options.checkCsrf }))
      registerOrganizationRoutes(api, options.services)
      registerSettingsRoutes(api, options.services)
      registerMemberRoutes(api, options.services)
      registerApiKeyRoutes(api, options.services)
      registerProvisioningLogRoutes(api, options.services)
      registerScimTokenRoutes(api, options.services)
      registerGroupRoutes(api, options.services)
      registerEventRoutes(api, options.services)
      registerWebhookRoutes(api, options.services)
      registerSsoConnectionRoutes(api, options.services)
      registerOidcClientRoutes(api, options.services)
      registerOrgDomainRoutes(api, options.services)
    },
    { prefix: API_BASE_PATH },
  )
}
