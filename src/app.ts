import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { SCIM_BASE_PATH, tenantUrl, type Config } from './config.js'
import { GroupDirectory } from './directory/groups.js'
import { UserDirectory } from './directory/users.js'
import { registerHealthRoute } from './http/health-route.js'
import { scimSurface } from './http/scim/scim-plugin.js'
import { systemClock, type Clock } from './lib/clock.js'
import { ScimTokens } from './orgs/scim-tokens.js'
import type { Store } from './store/store.js'

export interface AppDependencies {
  config: Config
  store: Store
  clock?: Clock
  /** Fastify logger options; tests pass false. */
  logger?: FastifyServerOptions['logger']
}

/** The composition root: builds the services and mounts the HTTP surfaces. Never listens (main.ts does). */
export async function buildApp({ config, store, clock = systemClock, logger }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      // Tokens travel in the Authorization header; make sure no serializer ever writes them out.
      redact: ['req.headers.authorization', 'headers.authorization'],
    },
    bodyLimit: config.maxBodyBytes,
    // Entra's ids and filters go in URLs; generous but bounded.
    maxParamLength: 500,
    disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
  })

  const onIgnored = (orgId: string, id: string | undefined, notes: string[]) =>
    app.log.info({ orgId, resourceId: id, notes }, 'accepted SCIM input that Roster does not store')
  const users = new UserDirectory(store, { maxPatchOperations: config.maxPatchOperations, clock, onIgnored })
  const groups = new GroupDirectory(store, { maxPatchOperations: config.maxPatchOperations, clock, onIgnored })
  const tokens = new ScimTokens(store, clock)

  registerHealthRoute(app, store)
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
  return app
}
