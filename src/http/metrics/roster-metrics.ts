import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** HTTP methods a label may name; anything else is counted as OTHER (label values stay bounded). */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])

/**
 * Roster's Prometheus metrics (prom-client), one registry per app so that tests can build several apps. Every label
 * value comes from a small fixed set (methods, route patterns, status codes, operation kinds, reasons): never an id,
 * a userName or an organization.
 */
export class RosterMetrics {
  readonly registry = new Registry()

  readonly scimRequests = new Counter({
    name: 'roster_scim_requests_total',
    help: 'SCIM requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  })

  readonly scimDuration = new Histogram({
    name: 'roster_scim_request_duration_seconds',
    help: 'Time from receiving a SCIM request to sending its response, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  })

  readonly operations = new Counter({
    name: 'roster_provisioning_operations_total',
    help: 'Committed provisioning operations, by kind (create, update, deactivate, reactivate, delete, group_membership).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })

  readonly logBatches = new Counter({
    name: 'roster_provisioning_log_batches_written_total',
    help: 'Batches of provisioning-log entries written to the database.',
    registers: [this.registry],
  })

  readonly logEntries = new Counter({
    name: 'roster_provisioning_log_entries_written_total',
    help: 'Provisioning-log entries written to the database.',
    registers: [this.registry],
  })

  readonly logDropped = new Counter({
    name: 'roster_provisioning_log_entries_dropped_total',
    help: 'Provisioning-log entries dropped: queue_full (the writer fell behind) or write_failed (the database refused a batch).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })

  readonly logRowsDeleted = new Counter({
    name: 'roster_provisioning_log_rows_deleted_total',
    help: 'Provisioning-log rows deleted by retention.',
    registers: [this.registry],
  })

  readonly logQueue = new Gauge({
    name: 'roster_provisioning_log_queue_entries',
    help: 'Provisioning-log entries waiting to be written.',
    registers: [this.registry],
  })

  readonly databaseErrors = new Counter({
    name: 'roster_database_errors_total',
    help: 'Database errors, by where they happened (scim_request: database unavailable; log_writer; log_retention).',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })

  /** A bounded method label. */
  static method(method: string): string {
    return METHODS.has(method) ? method : 'OTHER'
  }
}
