import type { Clock } from '../../lib/clock.js'
import type { SamlConnections } from './saml-connections.js'
import type { SamlStore } from './store.js'

export interface MetadataRefreshLoopOptions {
  /** How old a connection's metadata may get before it is fetched again; null: never refreshed (only purging). */
  intervalMs: number | null
  /** How often the loop looks for due connections. */
  tickMs: number
  /** Most connections refreshed per tick (bounds one tick's work and time). */
  batchSize: number
  clock: Clock
  log: { info(object: object, message: string): void; warn(object: object, message: string): void }
}

/**
 * The background loop main.ts starts beside the HTTP server: refreshes IdP metadata from its URL (Entra rotates
 * signing certificates; Microsoft advises ISVs to follow the metadata URL) and purges expired request ids and
 * consumed assertion ids. One tick at a time, a bounded batch per tick, and `stop()` waits for the running tick.
 * Several instances may refresh the same connection: the work is idempotent, so no row claiming is needed.
 */
export function startMetadataRefreshLoop(connections: SamlConnections, store: SamlStore, options: MetadataRefreshLoopOptions): { stop(): Promise<void> } {
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined

  const tick = async (): Promise<void> => {
    const now = options.clock.now()
    try {
      await store.purgeExpiredSamlState(now.toISOString())
      if (options.intervalMs === null) return
      const due = await store.listSamlConnectionsToRefresh(new Date(now.getTime() - options.intervalMs).toISOString(), options.batchSize)
      for (const connection of due) {
        if (stopped) return
        const next = await connections.refreshMetadata(connection)
        if (next.metadataError !== null) options.log.warn({ connectionId: connection.id, orgId: connection.orgId, error: next.metadataError }, 'SAML metadata refresh failed; keeping the last good values')
        else options.log.info({ connectionId: connection.id, orgId: connection.orgId, certificates: next.idpCertificates.length }, 'SAML metadata refreshed')
      }
    } catch (error) {
      options.log.warn({ err: error }, 'SAML metadata refresh tick failed')
    }
  }

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      running = tick().finally(schedule)
    }, options.tickMs)
    timer.unref()
  }
  running = tick().finally(schedule)

  return {
    async stop() {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      await running
    },
  }
}
