import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { SCIM_BASE_PATH } from '../config.js'
import { ScimError } from '../scim/errors.js'

/** What Node's HTTP parser and server timeouts refuse before any route runs, in words a client can act on. */
function describe(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'The request headers are too large; send smaller headers (the SCIM token and a short URL).' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request was not received in time (REQUEST_TIMEOUT_MS or HEADERS_TIMEOUT_MS); the connection is closed. Send the whole request promptly.' }
    default:
      return { status: 400, detail: 'The request is not valid HTTP (a malformed request line, header or body framing).' }
  }
}

/** The path the failed request named: from the raw bytes when the parser kept them, else from the request being read. */
function requestPath(error: { rawPacket?: unknown }, socket: Socket): string | undefined {
  if (Buffer.isBuffer(error.rawPacket)) {
    const line = error.rawPacket.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0] ?? ''
    return line.split(' ')[1]
  }
  // A timeout after the headers arrived: the request being read knows its URL.
  const pending = (socket as Socket & { _httpMessage?: { req?: { url?: string } } })._httpMessage
  return pending?.req?.url
}

/**
 * Fastify's clientErrorHandler: under /org/scim/v2 the refusal is a SCIM error body (RFC 7644 §3.12); elsewhere a small
 * JSON body like Fastify's own. Logged at debug: these are clients' mistakes or network noise, not Roster's bugs.
 * The connection is closed afterwards, as Node does by default.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const { status, detail } = describe(error.code)
  this.log.debug({ code: error.code, status }, 'client error before routing')
  if (socket.writable) {
    const path = requestPath(error, socket)
    const isScim = path !== undefined && path.toLowerCase().startsWith(SCIM_BASE_PATH.toLowerCase())
    const body = JSON.stringify(isScim ? new ScimError(status, detail).toJSON() : { status, detail })
    const type = isScim ? 'application/scim+json; charset=utf-8' : 'application/json; charset=utf-8'
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
