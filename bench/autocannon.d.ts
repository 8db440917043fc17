/**
 * The part of autocannon 8's programmatic API the benchmark uses; the package ships no types
 * and @types/autocannon is not a dependency (see node_modules/autocannon/README.md "API").
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  namespace autocannon {
    /** One request as the request builder sees it; `setupRequest` returns a changed copy. */
    interface RequestParams {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
    }

    /** Per-connection state, reset whenever a connection restarts its `requests` sequence. */
    type RequestContext = Record<string, unknown>

    interface RequestSpec extends RequestParams {
      setupRequest?: (request: RequestParams, context: RequestContext) => RequestParams | null
      onResponse?: (status: number, body: string, context: RequestContext) => void
    }

    interface Options {
      url: string
      connections?: number
      duration?: number
      amount?: number
      timeout?: number
      method?: string
      headers?: Record<string, string>
      body?: string
      requests?: RequestSpec[]
      title?: string
    }

    /** hdr-histogram-percentiles-obj summary; latency values are whole milliseconds. */
    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p90: number
      p99: number
    }

    interface Result {
      title?: string
      requests: Histogram
      latency: Histogram
      duration: number
      errors: number
      timeouts: number
      non2xx: number
      statusCodeStats: Record<string, { count: number }>
    }

    interface Instance extends EventEmitter {
      stop(): void
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this
      on(event: 'done', listener: (result: Result) => void): this
      on(event: string, listener: (...args: unknown[]) => void): this
    }
  }

  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance
  export = autocannon
}
