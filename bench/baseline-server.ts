/**
 * The baseline: a bare Fastify route answering a small JSON body, run as its own child process
 * so the load generator and the process layout match the Roster server's.
 */
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))
app.get('/healthz', async () => ({ ok: true }))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
