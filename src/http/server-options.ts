import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import type { Config } from '../config.js'
import { clientErrorHandler } from './client-error-handler.js'

/**
 * Timeouts that keep one slow or silent client from holding a connection forever (Fastify leaves requestTimeout
 * unset): the whole request must arrive within REQUEST_TIMEOUT_MS and its headers within HEADERS_TIMEOUT_MS, else 408
 * and the connection closes. Node checks these every `connectionsCheckingInterval` (30 s by default), so it is set to
 * a second: a stalled connection is closed within about a second of its deadline.
 */
export function serverOptions(config: Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'>): FastifyHttpOptions<Server> {
  return {
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs) },
    clientErrorHandler,
  }
}
