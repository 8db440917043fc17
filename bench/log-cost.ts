import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchReport } from './bench-targets.js'
import type { BenchResources, ServiceProcess } from './child-processes.js'
import { runLoad, type LoadResult, type LoadSettings } from './load-runner.js'
import { readProcessCpuSeconds } from './machine.js'
import { runSanityChecks } from './sanity-checks.js'
import { ScimClient } from './scim-client.js'
import type { ScenarioDefinition, UserWorkloads } from './user-scenarios.js'

/** Starts a Roster server with `env` on a free port and waits for /healthz (run-bench's startChecked). */
export type StartServer = (env: NodeJS.ProcessEnv) => Promise<{ service: ServiceProcess; port: number }>

export interface LogCostRun {
  resources: BenchResources
  env: NodeJS.ProcessEnv
  token: string
  workloads: UserWorkloads
  settings: LoadSettings
  startServer: StartServer
  report: BenchReport
  log: (message: string) => void
}

/** One scenario's figures with the log off and on: medians over the slices, and the paired cost. */
export interface LogCostRow {
  scenario: string
  off: { requestsPerSecond: number; cpuMicrosPerRequest: number | null }
  on: { requestsPerSecond: number; cpuMicrosPerRequest: number | null }
  /** Server CPU per request with the log on over off, less 1, compared slice pair by slice pair (pairedCost). */
  cpuCost: number | null
  slices: number
}

/**
 * Measured slices per variant and scenario, each `--duration` seconds long. Both servers stay up and take turns,
 * so that what the machine's neighbours do drifts over both alike; the comparison is made pair by pair.
 */
export const LOG_COST_SLICES = 6
/**
 * Warm-up of each server before its first measured slice of a scenario. One second left V8 compiling the hot paths
 * (on background threads, which /proc counts) into the measurement of both variants alike: a fixed cost that diluted
 * the log's share (a run measured 0.6 % where steady servers differ by ~10 %).
 */
export const LOG_COST_WARMUP_SECONDS = 4
const VARIANTS = ['off', 'on'] as const
type Variant = (typeof VARIANTS)[number]

/**
 * The cost of `on` over `off` from paired slices (slice i of each ran back to back): each pair's ratio less 1, and the
 * mean of those without the lowest and the highest quarter (rounded down: of six pairs, the middle four). A slice that a burst of other work on the machine slowed (this project's VM
 * shows +20–40 % in one slice of ten) then moves the estimate by nothing, where it decided a best-of-rounds figure:
 * full runs of the same code measured 7.7 % and 14.6 % that way. Null when a slice has no CPU figure.
 */
export function pairedCost(off: readonly (number | null)[], on: readonly (number | null)[]): number | null {
  const ratios: number[] = []
  for (let index = 0; index < Math.min(off.length, on.length); index++) {
    const [before, after] = [off[index], on[index]]
    if (before === null || before === undefined || after === null || after === undefined || before <= 0) return null
    ratios.push(after / before - 1)
  }
  if (ratios.length === 0) return null
  ratios.sort((a, b) => a - b)
  const middle = ratios.slice(Math.floor(ratios.length / 4), Math.ceil((ratios.length * 3) / 4))
  return middle.reduce((sum, ratio) => sum + ratio, 0) / middle.length
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!
}

interface RunningServer {
  variant: Variant
  service: ServiceProcess
  port: number
  client: ScimClient
}

/**
 * SQLite serves one process at a time per file, and a server that saw the other's log commits would re-read its
 * token cache on every request (its change signal): each variant gets a copy of the bench's database. PostgreSQL's
 * servers share the database, as instances do.
 */
function databaseFor(run: LogCostRun, variant: Variant, directory: () => string): string | undefined {
  const url = run.env.DATABASE_URL ?? ''
  if (!url.startsWith('sqlite:')) return undefined
  const source = url.slice('sqlite:'.length)
  const copy = join(directory(), `log-${variant}.db`)
  copyFileSync(source, copy)
  // The server that wrote it has stopped, which checkpoints; a WAL left behind is part of the database all the same.
  if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${copy}-wal`)
  return `sqlite:${copy}`
}

/**
 * The provisioning log's cost (issue #6 §4): the lookup and the Entra mix on two servers, one started with
 * PROVISIONING_LOG=off and one with =on, alive together and loaded in turns (off-on, then on-off, …) for
 * LOG_COST_SLICES slices each. For each slice, throughput and the server's CPU time per request (from /proc, around
 * the slice only); the cost is pairedCost of the CPU figures (the middle four of six pairs). The median-throughput slice of each variant is kept as
 * `<scenario>-log-off` / `<scenario>-log-on` in the scenario table; `report.logCost` holds the comparison.
 */
export async function measureLogCost(run: LogCostRun): Promise<void> {
  let temporary: string | undefined
  const directory = (): string => (temporary ??= run.resources.makeTempDir())
  const servers: RunningServer[] = []
  const headers = { authorization: `Bearer ${run.token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' }
  const rows: LogCostRow[] = []
  try {
    for (const variant of VARIANTS) {
      const databaseUrl = databaseFor(run, variant, directory)
      run.log(`provisioning log ${variant}: starting a server with PROVISIONING_LOG=${variant}${databaseUrl ? ' on a copy of the database' : ''}`)
      const { service, port } = await run.startServer({ ...run.env, PROVISIONING_LOG: variant, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) })
      servers.push({ variant, service, port, client: new ScimClient(port, run.token, 8) })
    }
    const definitions: ScenarioDefinition[] = [run.workloads.lookup(), run.workloads.entraMix()]
    for (const definition of definitions) {
      // Once: the checks may create what they look for (a POST's user), which the second server would then find taken
      // on PostgreSQL's shared database. The servers hold the same data, and load on either counts every non-2xx.
      const problem = await runSanityChecks(servers[0]!.client, definition.sanityChecks)
      if (problem !== undefined) {
        for (const variant of VARIANTS) run.report.skipped[`${definition.name}-log-${variant}`] = problem
        run.log(`SKIP ${definition.name} log off vs on: ${problem}`)
        continue
      }
      const scenarioOf = (server: RunningServer) => ({
        ...definition,
        name: `${definition.name}-log-${server.variant}`,
        label: `${definition.label}, provisioning log ${server.variant}`,
        port: server.port,
        headers,
      })
      for (const server of servers) {
        // Warm-up apart, so that the CPU time read around each slice belongs to its requests only.
        const warmupSeconds = Math.max(run.settings.warmupSeconds, LOG_COST_WARMUP_SECONDS)
        await runLoad(scenarioOf(server), { ...run.settings, durationSeconds: warmupSeconds, warmupSeconds: 0 }, run.resources)
      }
      run.log(`${definition.name}: log off vs on, ${LOG_COST_SLICES} slices of ${run.settings.durationSeconds} s each, in turns`)
      const slices = new Map<Variant, { result: LoadResult; cpu: number | null }[]>(VARIANTS.map((variant) => [variant, []]))
      for (let slice = 0; slice < LOG_COST_SLICES; slice++) {
        for (const server of slice % 2 === 0 ? servers : [...servers].reverse()) {
          const cpuBefore = readProcessCpuSeconds(server.service.pid)
          const result = await runLoad(scenarioOf(server), { ...run.settings, warmupSeconds: 0 }, run.resources)
          const cpuAfter = readProcessCpuSeconds(server.service.pid)
          const cpu = cpuBefore !== undefined && cpuAfter !== undefined && result.requests > 0 ? ((cpuAfter - cpuBefore) * 1e6) / result.requests : null
          slices.get(server.variant)!.push({ result, cpu })
        }
      }
      const summary = (variant: Variant) => {
        const measured = slices.get(variant)!
        const rates = measured.map((slice) => slice.result.requestsPerSecond)
        const cpus = measured.map((slice) => slice.cpu)
        const typical = measured.find((slice) => slice.result.requestsPerSecond === median(rates))!
        run.report.scenarios.push(typical.result)
        const known = cpus.filter((cpu): cpu is number => cpu !== null)
        return { requestsPerSecond: median(rates), cpuMicrosPerRequest: known.length === cpus.length ? median(known) : null, cpus }
      }
      const off = summary('off')
      const on = summary('on')
      const list = (cpus: (number | null)[]) => cpus.map((cpu) => (cpu === null ? '-' : cpu.toFixed(0))).join(' ')
      run.log(`${definition.name}: server CPU µs/request by slice, log off ${list(off.cpus)}; on ${list(on.cpus)}`)
      rows.push({
        scenario: definition.name,
        off: { requestsPerSecond: off.requestsPerSecond, cpuMicrosPerRequest: off.cpuMicrosPerRequest },
        on: { requestsPerSecond: on.requestsPerSecond, cpuMicrosPerRequest: on.cpuMicrosPerRequest },
        cpuCost: pairedCost(off.cpus, on.cpus),
        slices: LOG_COST_SLICES,
      })
    }
  } finally {
    for (const server of servers) {
      server.client.close()
      await run.resources.stopService(server.service)
    }
  }
  run.report.logCost = rows
}
