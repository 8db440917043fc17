import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import { scrubText } from '../provisioning/redact.js'

/**
 * The server's own log (pino, through Fastify). Tokens travel in the Authorization header and session cookies, which
 * are redacted; a client may still put one in the URL (`?access_token=scimtok_…`), and debug logs every request's
 * URL, so the request serializer scrubs token-shaped text from it as the provisioning log does.
 */
export function serverLoggerOptions(config: Config): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'headers.authorization', 'req.headers.cookie', 'headers.cookie'],
    serializers: {
      req(request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
        return {
          method: request.method,
          url: scrubText(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }
      },
    },
  }
}
