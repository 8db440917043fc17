import type { Clock } from '../lib/clock.js'
import { LogRetention, type RetentionEvents } from './log-retention.js'
import { LogWriter, type LogWriterEvents } from './log-writer.js'
import { ProvisioningLog } from './provisioning-log.js'
import type { ProvisioningLogStore } from './store.js'

export interface ProvisioningLogSettings {
  enabled: boolean
  retentionDays: number
  maxRowsPerOrg: number
  flushIntervalMs: number
  batchSize: number
  queueLimit: number
}

/** Retention runs this often, deleting this many rows per statement. */
export const RETENTION_INTERVAL_MS = 5 * 60_000
export const RETENTION_BATCH_ROWS = 500

/** The log's parts, built once per app: the writer (absent when the log is off), retention and the queries. */
export interface ProvisioningLogWorkers {
  readonly writer: LogWriter | undefined
  readonly retention: LogRetention
  readonly log: ProvisioningLog
  /** Starts the background loops (main.ts); tests flush and run retention by hand. */
  start(): void
  /** Stops the loops and writes what is still queued (clean shutdown). */
  stop(): Promise<void>
}

export function provisioningLogWorkers(
  store: ProvisioningLogStore,
  clock: Clock,
  settings: ProvisioningLogSettings,
  events: Partial<LogWriterEvents & RetentionEvents> = {},
): ProvisioningLogWorkers {
  const writer = settings.enabled
    ? new LogWriter(store, { batchSize: settings.batchSize, flushIntervalMs: settings.flushIntervalMs, queueLimit: settings.queueLimit, events })
    : undefined
  const retention = new LogRetention(
    store,
    clock,
    { days: settings.retentionDays, maxRowsPerOrg: settings.maxRowsPerOrg, batchSize: RETENTION_BATCH_ROWS, intervalMs: RETENTION_INTERVAL_MS },
    events,
  )
  return {
    writer,
    retention,
    log: new ProvisioningLog(store, clock),
    start() {
      writer?.start()
      retention.start()
    },
    async stop() {
      await retention.stop()
      await writer?.stop()
    },
  }
}
