import type { FastifyInstance } from 'fastify'
import { DeliveryWorker } from '../../../src/events/webhooks/delivery-worker.js'
import { buildApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import { addManualAdmin } from '../../../src/directory/console-access/admin-login-link.js'
import { Members } from '../../../src/directory/members.js'
import { LoginLinks } from '../../../src/directory/console-access/login-links.js'
import { UserDirectory } from '../../../src/directory/users.js'
import type { Clock } from '../../../src/lib/clock.js'
import { Organizations } from '../../../src/orgs/organizations.js'
import { ScimTokens } from '../../../src/orgs/scim-tokens.js'
import type { Store } from '../../../src/store/store.js'
import { freePort } from '../../cli/cli-process.js'
import { openTestStore, type Dialect } from '../../helpers/dialects.js'

export interface ConsoleServer {
  app: FastifyInstance
  store: Store
  baseUrl: string
  orgId: string
  orgName: string
  adminId: string
  scimToken: string
  tenantUrl: string
  /** Moves the server's clock forward (login links expire after 15 minutes). */
  advance(ms: number): void
  /** A login link for the admin (or another member) as the CLI prints it. */
  loginLink(memberId?: string): Promise<string>
  addAdmin(email: string): Promise<string>
  /** Runs webhook delivery passes (as main.ts's worker does) until one makes no progress; at most 20. */
  deliverWebhooks(): Promise<void>
  close(): Promise<void>
}

/** A real listening Roster on loopback (port chosen by the OS) with an organization, its admin and a SCIM token. */
export async function startConsoleServer(dialect: Dialect): Promise<ConsoleServer> {
  const database = await openTestStore(dialect)
  let offset = 0
  const clock: Clock = { now: () => new Date(Date.now() + offset) }
  // PUBLIC_URL names the port, so it is chosen first.
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const config = loadConfig({ DATABASE_URL: database.databaseUrl, PUBLIC_URL: baseUrl, LOG_LEVEL: 'silent', PROVISIONING_LOG_FLUSH_MS: '20', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })
  const app = await buildApp({ config, store: database.store, clock, logger: false })
  await app.listen({ host: '127.0.0.1', port })
  // As main.ts does: the provisioning log's writer runs (the app's onClose stops it).
  app.provisioningLog.start()

  const org = await new Organizations(database.store, clock).create('Acme Recruiting')
  const scimToken = (await new ScimTokens(database.store, clock).issue(org.id)).token
  const users = new UserDirectory(database.store, { maxPatchOperations: 100, clock })
  const members = new Members(database.store, { clock })
  const addAdmin = async (email: string) => (await addManualAdmin(members, database.store, org.id, email)).id
  const adminId = await addAdmin('ada.lovelace@acme.test')
  const links = new LoginLinks(database.store, clock)
  return {
    app,
    store: database.store,
    baseUrl,
    orgId: org.id,
    orgName: org.name,
    adminId,
    scimToken,
    tenantUrl: `${baseUrl}/org/scim/v2`,
    advance: (ms) => (offset += ms),
    loginLink: async (memberId = adminId) => `${baseUrl}/sign-in/link#${(await links.issue(org.id, memberId)).token}`,
    addAdmin,
    deliverWebhooks: async () => {
      const worker = new DeliveryWorker(database.store, clock, config.webhooks, (error) => {
        throw error
      })
      for (let pass = 0; pass < 20 && (await worker.runOnce()); pass++);
    },
    close: async () => {
      await app.close()
      await database.close()
    },
  }
}
