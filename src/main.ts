import { buildApp } from './app.js'
import { loadConfig, tenantUrl } from './config.js'
import { systemClock } from './lib/clock.js'
import { ensureDefaultOrganization, setupInstructions } from './orgs/first-start.js'
import { openStore } from './store/open-store.js'
import { startMetadataRefreshLoop } from './sso/saml/metadata-refresh-loop.js'
import { SamlConnections } from './sso/saml/saml-connections.js'

/** Process entry: configuration, database (migrated on open), first-start setup, HTTP server, clean shutdown. */
async function main(): Promise<void> {
  const config = loadConfig()
  const store = await openStore(config.databaseUrl, { poolSize: config.databasePoolSize })
  const firstStart = await ensureDefaultOrganization(store, systemClock)
  const app = await buildApp({ config, store })
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
    await refresh.stop()
    await app.close()
    await store.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ host: config.host, port: config.port })
  // Printed, not logged: the token must never reach log storage, and this is the one time it is shown.
  if (firstStart.kind === 'created') {
    process.stdout.write(setupInstructions(tenantUrl(config), firstStart.token, firstStart.org))
  } else {
    process.stdout.write(`\nRoster is running. Tenant URL: ${tenantUrl(config)}\n\n`)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Roster could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
