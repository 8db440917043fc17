import { formatCount, formatMs, type BenchReport } from './bench-targets.js'
import { TENANT_USERS } from './tenant-scenarios.js'

const duration = (seconds: number): string =>
  !Number.isFinite(seconds) ? '-' : seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`

/** The PostgreSQL, initial-sync, export and two-instance sections of the report (empty when none ran). */
export function formatTenantSections(report: BenchReport): string[] {
  const out: string[] = []
  if (report.postgres !== null) {
    out.push(`PostgreSQL: the bench's own cluster, ${report.postgres.settings.join(', ')}`)
    out.push('')
  }
  if (report.initialSync !== null) {
    const sync = report.initialSync
    out.push(`Initial sync (userName eq that misses, then POST, per user; 32 users in flight)`)
    out.push(
      `  ${formatCount(sync.users)} users in ${sync.seconds.toFixed(2)} s = ${formatCount(sync.usersPerSecond)} users/s; ` +
        `a ${formatCount(TENANT_USERS)}-user tenant would take ${duration(sync.projectedTenantSeconds)}`,
    )
    out.push('')
  }
  if (report.exports.length > 0) {
    out.push('Full export of the users, one page after another (count=100, excludedAttributes=groups)')
    for (const result of report.exports) {
      out.push(
        `  ${result.mode.padEnd(10)} ${formatCount(result.users)} users, ${result.pages} pages in ${result.seconds.toFixed(2)} s = ` +
          `${formatCount(result.usersPerSecond)} users/s; median page ${formatMs(result.firstPagesMedianMs)} ms first tenth, ` +
          `${formatMs(result.lastPagesMedianMs)} ms last tenth`,
      )
    }
    out.push('')
  }
  if (report.twoInstances !== null) {
    const two = report.twoInstances
    out.push('Two Roster instances on one PostgreSQL, Entra mix, half the connections each, no warm-up')
    for (const result of two.perInstance) {
      out.push(`  ${result.name.padEnd(12)} ${formatCount(result.requestsPerSecond)} req/s, p99 ${formatMs(result.p99Ms)} ms, ${result.non2xx} non-2xx, ${result.errors} errors`)
    }
    out.push(`  combined     ${formatCount(two.combinedRequestsPerSecond)} req/s`)
    out.push(
      `  users before ${formatCount(two.usersBefore)}, after ${formatCount(two.usersAfter)}, POSTs answered 201: ${formatCount(two.created)} ` +
        `(at most ${two.inFlightAtStop} cut off at the stop) → ${two.consistency}`,
    )
    out.push('')
  }
  return out
}
