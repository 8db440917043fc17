import type { BenchReport } from './bench-targets.js'
import type { BenchResources, ServiceProcess } from './child-processes.js'
import { runLoad, type LoadSettings } from './load-runner.js'
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

/** The scenarios measured twice, log off then log on, each on a server of its own over the same database. */
export const LOG_COST_VARIANTS = ['off', 'on'] as const

/**
 * The provisioning log's cost (issue #6 §4): the lookup and the Entra mix with PROVISIONING_LOG=off, then =on,
 * back to back on the same data, so that the two figures differ by the log and little else. Results are named
 * `lookup-log-off`, `lookup-log-on`, `entra-mix-log-off`, `entra-mix-log-on`.
 */
export async function measureLogCost(run: LogCostRun): Promise<void> {
  for (const variant of LOG_COST_VARIANTS) {
    run.log(`provisioning log ${variant}: starting a server with PROVISIONING_LOG=${variant}`)
    const { service, port } = await run.startServer({ ...run.env, PROVISIONING_LOG: variant })
    const client = new ScimClient(port, run.token, 8)
    const headers = { authorization: `Bearer ${run.token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' }
    try {
      const definitions: ScenarioDefinition[] = [run.workloads.lookup(), run.workloads.entraMix()]
      for (const definition of definitions) {
        const name = `${definition.name}-log-${variant}`
        const problem = await runSanityChecks(client, definition.sanityChecks)
        if (problem !== undefined) {
          run.report.skipped[name] = problem
          run.log(`SKIP ${name}: ${problem}`)
          continue
        }
        run.log(`${name}: ${definition.label} for ${run.settings.durationSeconds} s`)
        const label = `${definition.label}, provisioning log ${variant}`
        run.report.scenarios.push(await runLoad({ ...definition, name, label, port, headers }, run.settings, run.resources))
      }
    } finally {
      client.close()
      await run.resources.stopService(service)
    }
  }
}
