import type { FastifyBaseLogger } from 'fastify'
import type { RetentionEvents } from '../../provisioning/log-retention.js'
import type { LogWriterEvents } from '../../provisioning/log-writer.js'
import type { RosterMetrics } from './roster-metrics.js'

/** The provisioning log's background work, reported to metrics and to the operator's log (never entry contents). */
export function provisioningLogEvents(metrics: RosterMetrics, log: FastifyBaseLogger): LogWriterEvents & RetentionEvents {
  return {
    requestBuilt(entry) {
      if (entry.operation) metrics.operations.inc({ kind: entry.operation })
    },
    buildFailed(error) {
      log.warn({ err: error }, 'provisioning log: a request could not be made into an entry and was dropped')
    },
    batchWritten(entries) {
      metrics.logBatches.inc()
      metrics.logEntries.inc(entries)
    },
    dropped(entries, reason) {
      metrics.logDropped.inc({ reason }, entries)
      if (reason === 'write_failed') log.warn({ entries }, 'provisioning log: a batch could not be written and was dropped')
    },
    writeFailed(error) {
      metrics.databaseErrors.inc({ source: 'log_writer' })
      log.warn({ err: error }, 'provisioning log: writing a batch failed')
    },
    deleted(rows) {
      metrics.logRowsDeleted.inc(rows)
    },
    failed(error) {
      metrics.databaseErrors.inc({ source: 'log_retention' })
      log.warn({ err: error }, 'provisioning log: retention failed; it runs again later')
    },
  }
}
