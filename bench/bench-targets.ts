import { EDGE_BATCHES, type GroupFillResult } from './group-workloads.js'
import type { LoadResult } from './load-runner.js'
import type { LogCostRow } from './log-cost.js'
import type { MachineInfo, ProcessMemory } from './machine.js'
import type { ExportResult, InitialSyncResult } from './tenant-scenarios.js'
import type { TwoInstanceResult } from './two-instances.js'

/** Everything one run measured; `--json` prints exactly this. */
export interface BenchReport {
  machine: MachineInfo
  settings: { users: number; durationSeconds: number; connections: number; warmupSeconds: number; engine: 'sqlite' | 'postgres' }
  seeding: { users: number; seconds: number; usersPerSecond: number; phases: Array<{ users: number; seconds: number; usersPerSecond: number }> }
  baseline: LoadResult | null
  scenarios: LoadResult[]
  /** Scenarios skipped because a sanity request got a wrong answer: name → what was wrong. */
  skipped: Record<string, string>
  groupFill: GroupFillResult | null
  /** Users created by the POST and mix scenarios on top of the seeded ones. */
  postedUsers: number
  serverMemory: { afterSeeding: ProcessMemory | null; atEnd: ProcessMemory | null }
  /** The provisioning log off vs on (log-cost.ts); empty when that step did not run. */
  logCost: LogCostRow[]
  /** The bench's own PostgreSQL cluster (--postgres) and its settings; null otherwise. */
  postgres: { settings: string[] } | null
  initialSync: InitialSyncResult | null
  exports: ExportResult[]
  twoInstances: TwoInstanceResult | null
  targets: TargetRow[]
  /** Set when the run stopped early; the report then holds what was measured before. */
  failure: string | null
}

export type Verdict = 'PASS' | 'MISS' | 'N/A'

export interface TargetRow {
  target: string
  measured: string
  verdict: Verdict
}

/** Issue targets (#11 for the request rates, at 100,000 users), printed next to the figures and never asserted. */
export const TARGETS = {
  lookupVsBaseline: 0.4,
  lookupFlatness: 0.8,
  getByIdVsBaseline: 0.4,
  patchVsBaseline: 0.25,
  mixVsBaseline: 0.3,
  mixP99Ms: 10,
  postUsersPerSecond: 4_000,
  seedUsersPerSecond: 2_000,
  serverPeakRssMb: 250,
  lastBatchVsFirst: 1.5,
  batchMs: 100,
  /** The provisioning log may cost at most this share of lookup throughput (issue #6 §4). */
  logCostOnLookups: 0.1,
} as const

export const formatPercent = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '-' : `${(value * 100).toFixed(1)} %`)
/** Extra server CPU per request with the log on, as a share of the CPU with it off. */
export const logCpuCost = (row: LogCostRow): number | undefined => row.cpuCost ?? undefined
/** Throughput lost with the log on, as a share of the throughput with it off. */
export const logThroughputCost = (row: LogCostRow): number | undefined =>
  row.off.requestsPerSecond > 0 ? 1 - row.on.requestsPerSecond / row.off.requestsPerSecond : undefined
export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US')
export const formatMs = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '-')
export const formatRatio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '-')

const verdictOf = (measured: number | undefined, pass: (value: number) => boolean): Verdict =>
  measured === undefined || !Number.isFinite(measured) ? 'N/A' : pass(measured) ? 'PASS' : 'MISS'

export function findScenario(report: BenchReport, name: string): LoadResult | undefined {
  return report.scenarios.find((scenario) => scenario.name === name)
}

/** A scenario's throughput as a multiple of the bare Fastify baseline's. */
export function ratioToBaseline(report: BenchReport, result: LoadResult | undefined): number | undefined {
  const baseline = report.baseline?.requestsPerSecond
  if (result === undefined || baseline === undefined || baseline <= 0) return undefined
  return result.requestsPerSecond / baseline
}

/** The final PASS/MISS table; a target whose scenario did not run is N/A. */
export function evaluateTargets(report: BenchReport): TargetRow[] {
  const rows: TargetRow[] = []
  const lookup = findScenario(report, 'lookup')
  const lookupSmall = findScenario(report, 'lookup-1k')
  const mix = findScenario(report, 'entra-mix')

  const lookupRatio = ratioToBaseline(report, lookup)
  rows.push({
    target: `userName lookup ≥ ${TARGETS.lookupVsBaseline}× baseline`,
    measured: lookup ? `${formatRatio(lookupRatio ?? Number.NaN)} (${formatCount(lookup.requestsPerSecond)} req/s)` : 'not run',
    verdict: verdictOf(lookupRatio, (value) => value >= TARGETS.lookupVsBaseline),
  })

  const flatness = lookup && lookupSmall ? lookup.requestsPerSecond / lookupSmall.requestsPerSecond : undefined
  rows.push({
    target: `lookup flat from 1,000 to ${formatCount(report.settings.users)} users (≥ ${TARGETS.lookupFlatness}× the 1,000-user rate)`,
    measured:
      lookup && lookupSmall
        ? `${formatRatio(flatness ?? Number.NaN)} (${formatCount(lookupSmall.requestsPerSecond)} → ${formatCount(lookup.requestsPerSecond)} req/s)`
        : report.settings.users > 1000
          ? 'not run'
          : 'not run (needs --users > 1000)',
    verdict: verdictOf(flatness, (value) => value >= TARGETS.lookupFlatness),
  })

  for (const [name, label, threshold] of [
    ['get-by-id', 'GET by id', TARGETS.getByIdVsBaseline],
    ['patch-replace', 'PATCH Replace', TARGETS.patchVsBaseline],
  ] as const) {
    const scenario = findScenario(report, name)
    const ratio = ratioToBaseline(report, scenario)
    rows.push({
      target: `${label} ≥ ${threshold}× baseline`,
      measured: scenario ? `${formatRatio(ratio ?? Number.NaN)} (${formatCount(scenario.requestsPerSecond)} req/s)` : 'not run',
      verdict: verdictOf(ratio, (value) => value >= threshold),
    })
  }

  const mixRatio = ratioToBaseline(report, mix)
  rows.push({
    target: `Entra mix ≥ ${TARGETS.mixVsBaseline}× baseline`,
    measured: mix ? `${formatRatio(mixRatio ?? Number.NaN)} (${formatCount(mix.requestsPerSecond)} req/s)` : 'not run',
    verdict: verdictOf(mixRatio, (value) => value >= TARGETS.mixVsBaseline),
  })
  rows.push({
    target: `Entra mix p99 < ${TARGETS.mixP99Ms} ms`,
    measured: mix ? `${formatMs(mix.p99Ms)} ms` : 'not run',
    verdict: verdictOf(mix?.p99Ms, (value) => value < TARGETS.mixP99Ms),
  })

  const post = findScenario(report, 'post')
  rows.push({
    target: `POST /Users ≥ ${formatCount(TARGETS.postUsersPerSecond)} users/s`,
    measured: post ? `${formatCount(post.requestsPerSecond)} users/s` : 'not run',
    verdict: verdictOf(post?.requestsPerSecond, (value) => value >= TARGETS.postUsersPerSecond),
  })

  const seeded = report.seeding.users > 0 ? report.seeding.usersPerSecond : undefined
  rows.push({
    target: `POST seeding ≥ ${formatCount(TARGETS.seedUsersPerSecond)} users/s`,
    measured: seeded === undefined ? 'not run' : `${formatCount(seeded)} users/s`,
    verdict: verdictOf(seeded, (value) => value >= TARGETS.seedUsersPerSecond),
  })

  const peak = report.serverMemory.atEnd?.peakRssMb ?? report.serverMemory.afterSeeding?.peakRssMb
  rows.push({
    target: `server RSS < ${TARGETS.serverPeakRssMb} MB (peak, VmHWM)`,
    measured: peak === undefined ? 'unavailable' : `${peak} MB peak, ${report.serverMemory.atEnd?.rssMb ?? '-'} MB at end`,
    verdict: verdictOf(peak, (value) => value < TARGETS.serverPeakRssMb),
  })

  const fill = report.groupFill
  const growth = fill ? fill.lastBatchesMedianMs / fill.firstBatchesMedianMs : undefined
  rows.push({
    target: `group fill: last batches ≤ ${TARGETS.lastBatchVsFirst}× first (median of ${EDGE_BATCHES} each)`,
    measured: fill
      ? `${formatMs(fill.firstBatchesMedianMs)} → ${formatMs(fill.lastBatchesMedianMs)} ms (${formatRatio(growth ?? Number.NaN)})`
      : 'not run',
    verdict: verdictOf(growth, (value) => value <= TARGETS.lastBatchVsFirst),
  })
  const sqlite = report.settings.engine === 'sqlite'
  rows.push({
    target: `group fill: every ${formatCount(1000)}-member batch < ${TARGETS.batchMs} ms (SQLite)`,
    measured: fill ? `max ${formatMs(fill.maxBatchMs)} ms over ${fill.batches} batches${sqlite ? '' : ' (PostgreSQL: informational)'}` : 'not run',
    verdict: sqlite ? verdictOf(fill?.maxBatchMs, (value) => value < TARGETS.batchMs) : 'N/A',
  })

  const lookupCost = report.logCost.find((row) => row.scenario === 'lookup')
  const mixCost = report.logCost.find((row) => row.scenario === 'entra-mix')
  const cpuCost = lookupCost ? logCpuCost(lookupCost) : undefined
  rows.push({
    target: `provisioning log costs ≤ ${TARGETS.logCostOnLookups * 100} % on lookups (server CPU per request, log on vs off)`,
    measured: lookupCost
      ? `${formatPercent(cpuCost)} CPU, ${formatPercent(logThroughputCost(lookupCost))} req/s; mix ${formatPercent(mixCost ? logCpuCost(mixCost) : undefined)} CPU`
      : 'not run',
    verdict: verdictOf(cpuCost, (value) => value <= TARGETS.logCostOnLookups),
  })

  for (const result of report.exports) {
    const growth = result.lastPagesMedianMs / result.firstPagesMedianMs
    rows.push({
      target: `export through ${result.mode}: last pages ≤ ${TARGETS.lastBatchVsFirst}× the first (median page time)`,
      measured: `${formatMs(result.firstPagesMedianMs)} → ${formatMs(result.lastPagesMedianMs)} ms (${formatRatio(growth)})`,
      verdict: verdictOf(growth, (value) => value <= TARGETS.lastBatchVsFirst),
    })
  }
  if (report.twoInstances !== null) {
    const two = report.twoInstances
    const clean = two.perInstance.every((result) => result.non2xx === 0 && result.errors === 0)
    rows.push({
      target: 'two instances on one PostgreSQL: no errors, no lost or duplicated writes',
      measured: `${two.consistency}; ${clean ? 'all 2xx' : 'non-2xx or errors'}`,
      verdict: clean && two.consistency !== 'MISMATCH' ? 'PASS' : 'MISS',
    })
  }

  const measured = [report.baseline, ...report.scenarios, ...(report.twoInstances?.perInstance ?? [])].filter((result): result is LoadResult => result !== null)
  const failing = measured.filter((result) => result.non2xx > 0 || result.errors > 0)
  const skipped = Object.keys(report.skipped)
  rows.push({
    target: 'every measured request answered 2xx; every sanity check passed',
    measured:
      failing.length === 0 && skipped.length === 0
        ? `${formatCount(measured.reduce((sum, result) => sum + result.requests, 0))} requests`
        : [...failing.map((result) => `${result.name}: ${result.non2xx} non-2xx, ${result.errors} errors`), ...skipped.map((name) => `${name}: skipped`)].join('; '),
    verdict: report.failure === null && failing.length === 0 && skipped.length === 0 ? 'PASS' : 'MISS',
  })
  return rows
}
