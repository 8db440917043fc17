import type { BenchOptions } from './bench-options.js'
import { formatCount, type BenchReport } from './bench-targets.js'
import type { BenchResources, ServiceProcess } from './child-processes.js'
import type { LoadSettings } from './load-runner.js'
import type { ScimClient } from './scim-client.js'
import { countUsers, runFullExport, runInitialSync } from './tenant-scenarios.js'
import { runTwoInstances } from './two-instances.js'
import type { UserWorkloads } from './user-scenarios.js'

const EXPORT_PAGE_SIZE = 100
const SYNC_IN_FLIGHT = 32

/**
 * The tenant-scale steps after the hot-path scenarios: full exports (startIndex, then cursor) of everything the run
 * created, the initial sync, and (with --instances 2) the mix on two Roster processes sharing one PostgreSQL.
 */
export async function runTenantScenarios(run: {
  options: BenchOptions
  report: BenchReport
  client: ScimClient
  workloads: UserWorkloads
  runTag: string
  port: number
  headers: Record<string, string>
  settings: LoadSettings
  resources: BenchResources
  env: NodeJS.ProcessEnv
  log: (message: string) => void
  startServer: (env: NodeJS.ProcessEnv) => Promise<{ service: ServiceProcess; port: number }>
}): Promise<void> {
  const { options, report, client, log } = run
  if (!options.skipExport) {
    const expectedUsers = await countUsers(client)
    for (const mode of ['startIndex', 'cursor'] as const) {
      log(`export: ${formatCount(expectedUsers)} users through ${mode}, ${EXPORT_PAGE_SIZE} a page`)
      report.exports.push(await runFullExport(client, { mode, pageSize: EXPORT_PAGE_SIZE, expectedUsers, maxPages: Math.ceil(expectedUsers / EXPORT_PAGE_SIZE) + 10 }))
    }
  }
  if (options.syncUsers > 0) {
    log(`initial sync: ${formatCount(options.syncUsers)} new users, lookup miss + POST each, ${SYNC_IN_FLIGHT} in flight`)
    report.initialSync = await runInitialSync(client, { runTag: run.runTag, count: options.syncUsers, inFlight: SYNC_IN_FLIGHT, deadlineMs: 60_000 + options.syncUsers * 20 })
  }
  if (options.instances === 2) {
    log('two instances: starting a second Roster server on the same PostgreSQL')
    const second = await run.startServer(run.env)
    try {
      log(`two instances: Entra mix on both for ${run.settings.durationSeconds} s`)
      report.twoInstances = await runTwoInstances({
        mix: run.workloads.entraMix(),
        ports: [run.port, second.port],
        headers: run.headers,
        settings: run.settings,
        client,
        resources: run.resources,
      })
    } finally {
      await run.resources.stopService(second.service)
    }
  }
}
