import type { FastifyInstance } from 'fastify'
import { isDatabaseUnavailable } from '../../lib/database-unavailable.js'
import { RosterMetrics } from './roster-metrics.js'

/**
 * Counts every request of the surface it is registered on (the SCIM surface, discovery and 401s included) by
 * method, route pattern (`/org/scim/v2/Users/:id`, never the URL) and status, with its latency.
 */
export function observeScimRequests(app: FastifyInstance, metrics: RosterMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const method = RosterMetrics.method(request.method)
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.scimRequests.inc({ method, route, status: String(reply.statusCode) })
    metrics.scimDuration.observe({ method, route }, reply.elapsedTime / 1000)
    done()
  })
  app.addHook('onError', async (_request, _reply, error) => {
    if (isDatabaseUnavailable(error)) metrics.databaseErrors.inc({ source: 'scim_request' })
  })
}
