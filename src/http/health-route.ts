import type { FastifyInstance } from 'fastify'

/** A database that accepts connections but does not answer (frozen, overloaded) must still fail the check. */
const PING_TIMEOUT_MS = 2_000

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** GET /healthz: 200 once the database answers, 503 otherwise (for load balancers and orchestrators). */
export function registerHealthRoute(app: FastifyInstance, database: { ping(): Promise<void> }): void {
  app.get('/healthz', async (request, reply) => {
    try {
      await withTimeout(database.ping(), PING_TIMEOUT_MS)
      return reply.send({ status: 'ok' })
    } catch (error) {
      request.log.warn({ err: error }, 'health check: database does not answer')
      return reply.code(503).send({ status: 'unavailable', detail: 'The database does not answer.' })
    }
  })
}
