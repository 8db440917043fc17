import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { systemClock, type Clock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import type { Store } from '../../src/store/store.js'
import { openTestStore, type Dialect } from './dialects.js'

export interface TestApp {
  app: FastifyInstance
  store: Store
  config: Config
  /** The first organization and its SCIM token. */
  orgId: string
  token: string
  /** Another organization with its own token (tenancy tests). */
  createOrg(name?: string): Promise<{ orgId: string; token: string }>
  close(): Promise<void>
}

/** The whole app on a fresh database of `dialect`, driven in-process with `app.inject()`. */
export async function createTestApp(dialect: Dialect, options: { env?: NodeJS.ProcessEnv; clock?: Clock } = {}): Promise<TestApp> {
  const database = await openTestStore(dialect)
  const config = loadConfig({ DATABASE_URL: database.databaseUrl, PUBLIC_URL: 'https://roster.test', ...options.env })
  const clock = options.clock ?? systemClock
  const app = await buildApp({ config, store: database.store, clock, logger: false })
  const orgs = new Organizations(database.store, clock)
  const tokens = new ScimTokens(database.store, clock)
  const createOrg = async (name = 'Test organization') => {
    const org = await orgs.create(name)
    return { orgId: org.id, token: (await tokens.issue(org.id)).token }
  }
  const first = await createOrg('Acme')
  return {
    app,
    store: database.store,
    config,
    ...first,
    createOrg,
    close: async () => {
      await app.close()
      await database.close()
    },
  }
}

/** Headers of an authenticated SCIM request as Entra sends it. */
export const scimHeaders = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/scim+json; charset=utf-8',
})
