import type { FastifyInstance } from 'fastify'

/** Lets onResponse hooks of finished injections run, then writes the queue: what the writer's loop does every flush. */
export async function flushLog(app: FastifyInstance): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  await app.provisioningLog.writer?.flush()
}
