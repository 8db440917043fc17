import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { checkWebhookUrl, guardedLookup, isPublicAddress } from './address-guard.js'

export interface PostResult {
  ok: boolean
  /** The receiver's status code; null when there was no response (timeout, refused, DNS). */
  status: number | null
  error: string | null
}

/** Most of a receiver's response body read (and thrown away) before the connection is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024

/**
 * One POST to a receiver, bounded by `timeoutMs` from start to the end of the response. Any 2xx is success.
 * Never throws: every failure is a result to record on the delivery.
 */
export function postWebhook(rawUrl: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (result: PostResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    let url: URL
    try {
      url = checkWebhookUrl(rawUrl, options.allowPrivate)
    } catch (error) {
      return finish({ ok: false, status: null, error: (error as Error).message })
    }
    // An address typed as an IP literal never goes through lookup(): check it here.
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (!options.allowPrivate && /^[\d.]+$|:/.test(host) && !isPublicAddress(host)) {
      return finish({ ok: false, status: null, error: `${host} is a private or loopback address; Roster does not call those (WEBHOOK_ALLOW_PRIVATE_URLS)` })
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(options.allowPrivate) as never,
    })
    timer = setTimeout(() => {
      request.destroy()
      finish({ ok: false, status: null, error: `no complete response within ${options.timeoutMs} ms (WEBHOOK_TIMEOUT_MS)` })
    }, options.timeoutMs)
    request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: error.message }))
    request.on('response', (response: IncomingMessage) => {
      let received = 0
      response.on('data', (chunk: Buffer) => {
        received += chunk.length
        if (received > MAX_RESPONSE_BYTES) response.destroy()
      })
      const done = () => {
        const status = response.statusCode ?? null
        const ok = status !== null && status >= 200 && status < 300
        finish({ ok, status, error: ok ? null : `the receiver answered ${status}` })
      }
      response.on('end', done)
      response.on('close', done)
      response.on('error', () => done())
    })
    request.end(body)
  })
}
