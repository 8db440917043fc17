import type { FastifyInstance } from 'fastify'
import type { RosterMetrics } from './roster-metrics.js'

/**
 * GET /metrics in Prometheus text format, outside the SCIM surface (no token: scrapers authenticate at the network).
 * It holds counts by bounded labels only, never ids or names.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: RosterMetrics, queueLength: () => number): void {
  app.get('/metrics', async (_request, reply) => {
    metrics.logQueue.set(queueLength())
    const body = await metrics.registry.metrics()
    return reply.type(metrics.registry.contentType).send(body)
  })
}
