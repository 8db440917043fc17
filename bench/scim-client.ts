import { Agent, request } from 'node:http'
import type { BenchRequest } from './scim-requests.js'

/** One answered request: status, parsed JSON body (undefined when empty or not JSON), elapsed ms. */
export interface HttpAnswer {
  status: number
  body: unknown
  text: string
  elapsedMs: number
}

/** The SCIM media type Entra sends (RFC 7644 §3.1; field guide §1.1). */
export const SCIM_CONTENT_TYPE = 'application/scim+json'

/**
 * A small keep-alive HTTP/1.1 client for the seeding and sanity requests (autocannon does the
 * measured load). Only talks to 127.0.0.1; every request has a timeout.
 */
export class ScimClient {
  readonly #agent: Agent
  readonly #port: number
  readonly #headers: Record<string, string>

  constructor(port: number, bearerToken: string, maxSockets: number) {
    this.#port = port
    this.#agent = new Agent({ keepAlive: true, maxSockets })
    this.#headers = { authorization: `Bearer ${bearerToken}`, accept: SCIM_CONTENT_TYPE }
  }

  send({ method, path, body }: BenchRequest, timeoutMs = 10_000): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(body)
    const headers: Record<string, string | number> = { ...this.#headers }
    if (payload !== undefined) {
      headers['content-type'] = SCIM_CONTENT_TYPE
      headers['content-length'] = payload.length
    }
    const startedAt = performance.now()
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port: this.#port, method, path, headers, agent: this.#agent, timeout: timeoutMs },
        (incoming) => {
          const chunks: Buffer[] = []
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
          incoming.on('error', reject)
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            resolve({ status: incoming.statusCode ?? 0, body: parseJsonOrUndefined(text), text, elapsedMs: performance.now() - startedAt })
          })
        },
      )
      outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)))
      outgoing.on('error', reject)
      outgoing.end(payload)
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** `answer.body[key]` when the body is a JSON object. */
export function bodyField(answer: HttpAnswer, key: string): unknown {
  const body = answer.body
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined
}

/** A one-line description of an unexpected answer, for error messages. */
export function describeAnswer(request: BenchRequest, answer: HttpAnswer): string {
  return `${request.method} ${request.path} → ${answer.status} ${answer.text.slice(0, 300)}`
}
