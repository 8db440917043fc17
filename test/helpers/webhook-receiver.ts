import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders
  body: string
  /** What the receiver answered: a status, or 'hang' (no answer until the connection closes). */
  answer: number | 'hang'
}

/**
 * A real HTTP receiver on 127.0.0.1. `answers` is consumed one per request (then `fallback`), so a test scripts
 * "500, then 200" or "hang, then 200".
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = []
  answers: Array<number | 'hang'> = []
  fallback: number | 'hang' = 200
  /** Milliseconds to wait before answering (a slow receiver). */
  delayMs = 0
  readonly #server: Server
  readonly #hanging = new Set<ServerResponse>()

  private constructor(server: Server) {
    this.#server = server
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver: WebhookReceiver = new WebhookReceiver(
      createServer((request, response) => {
        const chunks: Buffer[] = []
        request.on('data', (chunk: Buffer) => chunks.push(chunk))
        request.on('end', () => {
          const answer = receiver.answers.length ? receiver.answers.shift()! : receiver.fallback
          receiver.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answer })
          if (answer === 'hang') {
            receiver.#hanging.add(response)
            response.on('close', () => receiver.#hanging.delete(response))
            return
          }
          setTimeout(() => response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok'), receiver.delayMs)
        })
      }),
    )
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve))
    return receiver
  }

  get url(): string {
    const address = this.#server.address()
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`
  }

  /** Requests answered 2xx, in arrival order. */
  get delivered(): ReceivedWebhook[] {
    return this.received.filter((r) => typeof r.answer === 'number' && r.answer < 300)
  }

  async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

/** Calls `step` until `done()` holds, at most `timeoutMs`; bounded in count and time. */
export async function until(done: () => boolean | Promise<boolean>, step: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    if (await done()) return
    await step()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  if (!(await done())) throw new Error(`condition not met within ${timeoutMs} ms`)
}
