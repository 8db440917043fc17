import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import helmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { DomainError } from '../../lib/domain-error.js'
import { isDatabaseUnavailable } from '../../lib/database-unavailable.js'
import { CLIENT_ROUTES } from './client-routes.js'
import { sendProblem } from './problem.js'
import { CONSOLE_HELMET } from './security-headers.js'
import { sessionRoutes, type SessionRoutesOptions } from './session-routes.js'

/** web/dist from the repository root (the same three levels up from src/http/console and dist/http/console). */
export const DEFAULT_CONSOLE_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist')

export interface ConsolePluginOptions extends SessionRoutesOptions {
  /** The built console (web/dist); tests may point elsewhere. */
  distDir?: string
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Roster console not built</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm ci</code>, which builds it) and reload this page.</p></main></body></html>`

/**
 * The organization console: web/dist at `/` (index.html for every client route, hashed assets cached for a year),
 * security headers with a strict CSP on everything it serves, and its own session endpoints under /console.
 * Encapsulated, so its headers and hooks never touch the SCIM surface.
 */
export async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_CONSOLE_DIST
  await app.register(helmet, CONSOLE_HELMET)
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof DomainError) {
      const status = { not_found: 404, conflict: 409, invalid: 400, forbidden: 403 }[error.code]
      return sendProblem(reply, status, error.code, 'Request refused', error.message)
    }
    const status = (error as { statusCode?: number }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(reply, status, 'bad_request', 'Request refused', (error as Error).message)
    }
    if (isDatabaseUnavailable(error)) {
      reply.header('retry-after', '5')
      return sendProblem(reply, 503, 'unavailable', 'Roster is busy', 'The database does not answer right now. Try again in a few seconds.')
    }
    request.log.error({ err: error }, 'console request failed')
    return sendProblem(reply, 500, 'internal', 'Something went wrong', `Roster could not answer; the error is logged with request id ${request.id}.`)
  })

  const indexPath = join(distDir, 'index.html')
  // Read once: the shell is small and changes only with a rebuild (and a restart).
  const indexHtml = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : undefined
  const sendShell = (reply: FastifyReply) =>
    indexHtml === undefined
      ? reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT)
      : reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml)
  for (const route of CLIENT_ROUTES) app.get(route, async (_request, reply) => sendShell(reply))

  if (existsSync(join(distDir, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(distDir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      // File names carry a content hash (Vite), so they never change under the same URL.
      immutable: true,
      maxAge: '365d',
    })
  }
  if (existsSync(join(distDir, 'favicon.svg'))) {
    const favicon = readFileSync(join(distDir, 'favicon.svg'))
    app.get('/favicon.svg', async (_request, reply) => reply.header('cache-control', 'max-age=86400').type('image/svg+xml').send(favicon))
  }

  await app.register(sessionRoutes, options)
}
