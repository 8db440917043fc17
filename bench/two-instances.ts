/**
 * Two Roster processes on one PostgreSQL under the Entra mix (issue #11 item 3): each gets half the connections, both
 * run at once, and the user count is checked after. Every POST that answered 201 must be one more user, no more and
 * no less; requests autocannon cut off at the end of the run are the only slack, and they are reported as such.
 */
import type { BenchResources } from './child-processes.js'
import { runLoad, type LoadResult, type LoadScenario, type LoadSettings } from './load-runner.js'
import type { ScimClient } from './scim-client.js'
import { countUsers } from './tenant-scenarios.js'
import type { ScenarioDefinition } from './user-scenarios.js'

export interface TwoInstanceResult {
  perInstance: LoadResult[]
  combinedRequestsPerSecond: number
  usersBefore: number
  usersAfter: number
  /** POSTs answered 201 across both instances. */
  created: number
  /** Requests still in flight when the load stopped (at most the connections): they may or may not have committed. */
  inFlightAtStop: number
  /** 'exact': after = before + created; 'within in-flight': the difference is explained by cut-off requests; else 'MISMATCH'. */
  consistency: 'exact' | 'within in-flight' | 'MISMATCH'
}

/** Judges the user count after the run against the writes that were acknowledged. */
export function judgeCounts(usersBefore: number, usersAfter: number, created: number, inFlightAtStop: number): TwoInstanceResult['consistency'] {
  const extra = usersAfter - usersBefore - created
  if (extra === 0) return 'exact'
  return extra > 0 && extra <= inFlightAtStop ? 'within in-flight' : 'MISMATCH'
}

export async function runTwoInstances(options: {
  mix: ScenarioDefinition
  ports: [number, number]
  headers: Record<string, string>
  settings: LoadSettings
  client: ScimClient
  resources: BenchResources
}): Promise<TwoInstanceResult> {
  const usersBefore = await countUsers(options.client)
  // No warm-up: every POST of the run must be counted, and a warm-up's answers are not.
  const settings: LoadSettings = { ...options.settings, warmupSeconds: 0, connections: Math.max(1, Math.floor(options.settings.connections / 2)) }
  const scenario = (port: number, index: number): LoadScenario => ({ ...options.mix, name: `entra-mix@${index + 1}`, port, headers: options.headers })
  const perInstance = await Promise.all(options.ports.map((port, index) => runLoad(scenario(port, index), settings, options.resources)))
  const usersAfter = await countUsers(options.client)
  const created = perInstance.reduce((sum, result) => sum + (result.statusCounts['201'] ?? 0), 0)
  const inFlightAtStop = settings.connections * perInstance.length
  return {
    perInstance,
    combinedRequestsPerSecond: perInstance.reduce((sum, result) => sum + result.requestsPerSecond, 0),
    usersBefore,
    usersAfter,
    created,
    inFlightAtStop,
    consistency: judgeCounts(usersBefore, usersAfter, created, inFlightAtStop),
  }
}
