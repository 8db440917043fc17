import { formatTenantSections } from './format-tenant-report.js'
import { formatCount, formatMs, formatPercent, formatRatio, logCpuCost, logThroughputCost, ratioToBaseline, type BenchReport } from './bench-targets.js'
import type { LoadResult } from './load-runner.js'

/** Left-aligned text columns, numbers right-aligned, for a terminal. */
function formatTable(header: string[], rows: string[][], numericColumns: ReadonlySet<number>): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (numericColumns.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n')
}

function statusSummary(result: LoadResult): string {
  if (result.non2xx === 0 && result.errors === 0) return ''
  const statuses = Object.entries(result.statusCounts)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, count]) => `${count}×${status}`)
  return [...statuses, result.errors > 0 ? `${result.errors} errors` : ''].filter((part) => part !== '').join(' ')
}

function scenarioRows(report: BenchReport, results: LoadResult[]): string[][] {
  return results.map((result) => [
    result.name,
    result.label,
    formatCount(result.requestsPerSecond),
    formatMs(result.p50Ms),
    formatMs(result.p99Ms),
    formatRatio(ratioToBaseline(report, result) ?? Number.NaN),
    statusSummary(result),
  ])
}

/** The human-readable report: machine, seeding, scenario table, group fill, memory, targets. */
export function formatReport(report: BenchReport): string {
  const { machine, settings, seeding } = report
  const out: string[] = []
  out.push('Roster SCIM benchmark')
  out.push(`date     ${machine.date}`)
  out.push(`machine  ${machine.cpuModel}, ${machine.cores} cores, ${formatCount(machine.totalMemoryMb)} MB RAM, ${machine.os}`)
  out.push(`node     ${machine.nodeVersion}; load average at start ${machine.loadAverageAtStart}`)
  out.push(
    `run      ${settings.engine}, ${formatCount(settings.users)} users, ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per scenario after ${settings.warmupSeconds} s warm-up; load generator and servers share this machine`,
  )
  out.push('')
  out.push('Seeding through POST /Users (32 in flight)')
  for (const phase of seeding.phases) {
    out.push(`  ${formatCount(phase.users).padStart(9)} users in ${phase.seconds.toFixed(2).padStart(7)} s = ${formatCount(phase.usersPerSecond)} users/s`)
  }
  out.push(`  total ${formatCount(seeding.users)} users, ${formatCount(seeding.usersPerSecond)} users/s`)
  out.push('')

  const header = ['scenario', 'what', 'req/s', 'p50 ms', 'p99 ms', 'vs base', 'non-2xx']
  const numeric = new Set([2, 3, 4, 5])
  const measured = report.baseline ? [report.baseline, ...report.scenarios] : report.scenarios
  out.push(formatTable(header, scenarioRows(report, measured), numeric))
  for (const [name, problem] of Object.entries(report.skipped)) out.push(`SKIPPED ${name}: ${problem}`)
  out.push(`(POST and mix scenarios created ${formatCount(report.postedUsers)} more users during the run)`)
  out.push('')

  if (report.groupFill) {
    const fill = report.groupFill
    out.push(`Group fill: ${formatCount(fill.members)} members in ${fill.batches} PATCH batches of up to 1,000`)
    out.push(
      `  first ${formatMs(fill.firstBatchMs)} ms, last ${formatMs(fill.lastBatchMs)} ms, ` +
        `median ${formatMs(fill.medianBatchMs)} ms, max ${formatMs(fill.maxBatchMs)} ms; ` +
        `median of the first 5 ${formatMs(fill.firstBatchesMedianMs)} ms, of the last 5 ${formatMs(fill.lastBatchesMedianMs)} ms`,
    )
    out.push('')
  }

  if (report.logCost.length > 0) {
    out.push(
      `Provisioning log off vs on (two servers loaded in turns, ${report.logCost[0]?.slices ?? 0} slices each; medians of the slices; CPU cost slice pair by slice pair, the mean of the middle four; server CPU from /proc)`,
    )
    const micros = (value: number | null): string => (value === null ? '-' : value.toFixed(1))
    out.push(
      formatTable(
        ['scenario', 'off req/s', 'on req/s', 'req/s cost', 'off CPU µs/req', 'on CPU µs/req', 'CPU cost'],
        report.logCost.map((row) => [
          row.scenario,
          formatCount(row.off.requestsPerSecond),
          formatCount(row.on.requestsPerSecond),
          formatPercent(logThroughputCost(row)),
          micros(row.off.cpuMicrosPerRequest),
          micros(row.on.cpuMicrosPerRequest),
          formatPercent(logCpuCost(row)),
        ]),
        new Set([1, 2, 3, 4, 5, 6]),
      ),
    )
    out.push('')
  }

  out.push(...formatTenantSections(report))

  const memory = report.serverMemory
  const describeMemory = (label: string, value: typeof memory.atEnd): string =>
    `  ${label}: ${value ? `VmRSS ${value.rssMb} MB, VmHWM ${value.peakRssMb} MB` : 'unavailable'}`
  out.push('Server memory (/proc/<pid>/status)')
  out.push(describeMemory('after seeding', memory.afterSeeding))
  out.push(describeMemory('at end       ', memory.atEnd))
  out.push('')

  out.push('Targets (printed, not asserted)')
  out.push(formatTable(['target', 'measured', 'result'], report.targets.map((row) => [row.target, row.measured, row.verdict]), new Set()))
  if (report.failure !== null) {
    out.push('')
    out.push(`RUN STOPPED EARLY: ${report.failure}`)
  }
  return out.join('\n')
}
