import type { FastifyInstance } from 'fastify'

/** GET /healthz: 200 once the database answers, 503 otherwise (for load balancers and orchestrators). */
export function registerHealthRoute(app: FastifyInstance, database: { ping(): Promise<void> }): void {
  app.get('/healthz', async (request, reply) => {
    try {
      await database.ping()
      return reply.send({ status: 'ok' })
    } catch (error) {
      request.log.warn({ err: error }, 'health check: database does not answer')
      return reply.code(503).send({ status: 'unavailable', detail: 'The database does not answer.' })
    }
  })
}
