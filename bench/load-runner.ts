import autocannon from 'autocannon'
import type { BenchRequest } from './scim-requests.js'
import type { BenchResources } from './child-processes.js'

/** A measured workload: every request is built fresh by `nextRequest` (autocannon `setupRequest`). */
export interface LoadScenario {
  name: string
  label: string
  port: number
  headers: Record<string, string>
  nextRequest: () => BenchRequest
}

export interface LoadSettings {
  connections: number
  durationSeconds: number
  /** Seconds of unrecorded load first, so JIT warm-up does not land in the figures. */
  warmupSeconds: number
}

/** What one scenario measured. Latencies come from every response, 2xx or not. */
export interface LoadResult {
  name: string
  label: string
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  requests: number
  non2xx: number
  errors: number
  timeouts: number
  statusCounts: Record<string, number>
  durationSeconds: number
}

/** autocannon's own latency histogram has 1 ms resolution; this keeps sub-ms samples instead. */
const MAX_LATENCY_SAMPLES = 2_000_000

/** A uniform reservoir (Algorithm R) of response times, bounded in memory whatever the duration. */
class LatencyReservoir {
  readonly #samples = new Float64Array(MAX_LATENCY_SAMPLES)
  #seen = 0

  record(ms: number): void {
    if (this.#seen < MAX_LATENCY_SAMPLES) {
      this.#samples[this.#seen] = ms
    } else {
      const slot = Math.floor(Math.random() * (this.#seen + 1))
      if (slot < MAX_LATENCY_SAMPLES) this.#samples[slot] = ms
    }
    this.#seen++
  }

  /** Nearest-rank percentiles of the kept samples. */
  percentiles(): { p50: number; p99: number; max: number } {
    const kept = this.#samples.slice(0, Math.min(this.#seen, MAX_LATENCY_SAMPLES)).sort()
    if (kept.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN }
    const at = (fraction: number): number => kept[Math.min(kept.length - 1, Math.ceil(fraction * kept.length) - 1)] ?? Number.NaN
    return { p50: at(0.5), p99: at(0.99), max: kept[kept.length - 1] ?? Number.NaN }
  }
}

function runAutocannon(
  scenario: LoadScenario,
  connections: number,
  durationSeconds: number,
  resources: BenchResources,
  onResponseTime?: (ms: number) => void,
): Promise<autocannon.Result> {
  resources.assertOpen()
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${scenario.port}`,
        connections,
        duration: durationSeconds,
        timeout: 10,
        headers: scenario.headers,
        requests: [
          {
            setupRequest: (request) => {
              const next = scenario.nextRequest()
              // Fresh headers every time: autocannon writes Content-Length into the object it is
              // given, and a stale one on a following GET would corrupt the connection.
              return { ...request, headers: { ...scenario.headers }, method: next.method, path: next.path, body: next.body ?? '' }
            },
          },
        ],
      },
      (error, result) => {
        forgetInterrupt()
        if (error) reject(error)
        else resolve(result)
      },
    )
    const forgetInterrupt = resources.onInterrupt(() => instance.stop())
    if (onResponseTime) instance.on('response', (_client, _status, _bytes, responseTimeMs) => onResponseTime(responseTimeMs))
  })
}

/** Warms up, then runs one scenario for the set duration with a fixed number of connections. */
export async function runLoad(scenario: LoadScenario, settings: LoadSettings, resources: BenchResources): Promise<LoadResult> {
  if (settings.warmupSeconds > 0) await runAutocannon(scenario, settings.connections, settings.warmupSeconds, resources)
  const reservoir = new LatencyReservoir()
  const result = await runAutocannon(scenario, settings.connections, settings.durationSeconds, resources, (ms) => reservoir.record(ms))
  // An interrupted autocannon still reports; a partial run must not pass as a measurement.
  resources.assertOpen()
  const { p50, p99, max } = reservoir.percentiles()
  const statusCounts: Record<string, number> = {}
  for (const [status, stats] of Object.entries(result.statusCodeStats)) statusCounts[status] = Number(stats.count)
  const answered = Object.values(statusCounts).reduce((sum, count) => sum + count, 0)
  return {
    name: scenario.name,
    label: scenario.label,
    requestsPerSecond: result.duration > 0 ? answered / result.duration : 0,
    p50Ms: p50,
    p99Ms: p99,
    maxMs: max,
    requests: answered,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    durationSeconds: result.duration,
  }
}
