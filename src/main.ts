import { buildApp } from './app.js'
import { cliEnvironmentPrefix, consoleSignInUrl, loadConfig, tenantUrl } from './config.js'
import { adminLoginLink } from './directory/console-access/admin-login-link.js'
import { LoginLinks } from './directory/console-access/login-links.js'
import { directoryServices } from './directory/directory-services.js'
import { pruneExpiredEvents } from './events/feed.js'
import { DeliveryWorker } from './events/webhooks/delivery-worker.js'
import { systemClock } from './lib/clock.js'
import { Loop } from './lib/loop.js'
import { CLI_COMMAND, consoleInstructions, ensureDefaultOrganization, setupInstructions } from './orgs/first-start.js'
import { openStore } from './store/open-store.js'
import { startMetadataRefreshLoop } from './sso/saml/metadata-refresh-loop.js'
import { SamlConnections } from './sso/saml/saml-connections.js'
import { BackchannelLogout } from './oidc/backchannel-logout.js'
import { SigningKeys } from './oidc/signing-keys.js'

/** Process entry: configuration, database (migrated on open), first-start setup, HTTP server, clean shutdown. */
async function main(): Promise<void> {
  const config = loadConfig()
  // The server's log exists once the app is built; a checkpoint failure before that goes to stderr.
  let warn = (reason: string): void => void process.stderr.write(`SQLite WAL checkpoint: ${reason}\n`)
  const store = await openStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    namedStatements: config.databaseNamedStatements,
    pipeline: config.databasePipeline,
    checkpointThread: { onFailure: (reason) => warn(reason) },
  })
  const firstStart = await ensureDefaultOrganization(store, systemClock)
  const app = await buildApp({ config, store })
  warn = (reason) => app.log.warn({ reason }, 'SQLite WAL checkpoint thread failed (commits still checkpoint the WAL at 10,000 pages)')
  // Background work beside the server (style.md §7): webhook delivery, and event retention once an hour.
  const delivery = new DeliveryWorker(store, systemClock, config.webhooks, (error) => app.log.error({ err: error }, 'webhook delivery pass failed'))
  // OpenID Connect back-channel logout: fans deprovisioning events out of the outbox and delivers logout tokens.
  const backchannel = new BackchannelLogout(store, new SigningKeys(store, systemClock), systemClock, { issuer: config.publicUrl, ...config.webhooks }, (error) =>
    app.log.error({ err: error }, 'back-channel logout pass failed'),
  )
  const retention = new Loop(async () => (await pruneExpiredEvents(store, systemClock, config.eventRetentionDays)) > 0, {
    intervalMs: 3_600_000,
    onError: (error) => app.log.error({ err: error }, 'event retention pass failed'),
  })

  // Always runs: it also purges expired SAML request ids and consumed assertion ids.
  const refresh = startMetadataRefreshLoop(
    new SamlConnections(store, systemClock, {
      publicUrl: config.publicUrl,
      metadata: { timeoutMs: config.samlMetadataTimeoutMs, maxBytes: config.samlMetadataMaxBytes },
    }),
    store,
    {
      intervalMs: config.samlMetadataRefreshMs > 0 ? config.samlMetadataRefreshMs : null,
      tickMs: 60_000,
      batchSize: 20,
      clock: systemClock,
      log: app.log,
    },
  )
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    // Attempts in flight finish (bounded by WEBHOOK_TIMEOUT_MS) before the database closes.
    await Promise.all([delivery.stop(), retention.stop(), backchannel.stop()])
    await refresh.stop()
    await app.close()
    await store.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ host: config.host, port: config.port })
  app.provisioningLog.start()
  delivery.start()
  backchannel.start()
  retention.start()
  // Printed, not logged: the token must never reach log storage, and this is the one time it is shown.
  const consoleUrl = `${config.publicUrl}/`
  // The commands printed below work when copied: they carry the variables that point the CLI at this server.
  const cli = `${cliEnvironmentPrefix()}${CLI_COMMAND}`
  if (firstStart.kind === 'created') {
    process.stdout.write(setupInstructions(tenantUrl(config), firstStart.token, firstStart.org, cli))
    const orgId = firstStart.org.id
    let signIn: Parameters<typeof consoleInstructions>[2]
    if (config.adminEmail) {
      const { members } = directoryServices(store, { clock: systemClock })
      const issued = await adminLoginLink({ store, members, links: new LoginLinks(store, systemClock) }, orgId, config.adminEmail)
      signIn = { url: consoleSignInUrl(config, issued.token), userName: issued.member.userName, added: issued.addedMember }
    }
    process.stdout.write(`${consoleInstructions(consoleUrl, orgId, signIn, cli)}\n`)
  } else {
    const orgHint = firstStart.orgs.length === 1 ? firstStart.orgs[0]!.id : 'ORG_ID'
    process.stdout.write(
      `\nRoster is running. Tenant URL: ${tenantUrl(config)}\nConsole: ${consoleUrl} (sign-in link: ${cli} admin login-link --org ${orgHint} --email EMAIL)\n\n`,
    )
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Roster could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
