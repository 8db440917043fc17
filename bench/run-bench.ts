/**
 * `npm run bench`: seeds an org through the SCIM API, then measures Entra's hot paths with
 * autocannon against a bare Fastify baseline, and prints figures, ratios and a targets table.
 * Flags: see BENCH_USAGE in bench-options.ts.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BENCH_USAGE, BenchUsageError, parseBenchOptions, type BenchOptions } from './bench-options.js'
import { evaluateTargets, formatCount, type BenchReport } from './bench-targets.js'
import { BenchResources, buildCompiledServer, COMPILED_SERVER, findFreePort, parseCliJson, waitForHttpOk, type ServiceProcess } from './child-processes.js'
import { formatReport } from './format-report.js'
import { groupScenarios, MAX_BIG_GROUP_MEMBERS, prepareGroups } from './group-workloads.js'
import { runLoad, type LoadSettings } from './load-runner.js'
import { measureLogCost } from './log-cost.js'
import { describeMachine, readProcessMemory } from './machine.js'
import { runSanityChecks } from './sanity-checks.js'
import { postgresSettings, startThrowawayPostgres } from '../scripts/pg-cluster.js'
import { runTenantScenarios } from './run-tenant-scenarios.js'
import { ScimClient } from './scim-client.js'
import type { SeededUser } from './scim-requests.js'
import { seedUsers } from './seed-users.js'
import { UserWorkloads, type ScenarioDefinition } from './user-scenarios.js'

const WARMUP_SECONDS = 1
const SEED_IN_FLIGHT = 32
/** The lookup is measured at this population first, then at N, to show it stays flat. */
const SMALL_POPULATION = 1_000
const STARTUP_TIMEOUT_MS = 60_000
const CLI_TIMEOUT_MS = 60_000

/** Where src/main.ts and src/cli.ts live; the override exists only to develop the harness against a stub. */
const benchDir = dirname(fileURLToPath(import.meta.url))
const projectRoot = process.env.ROSTER_BENCH_PROJECT_ROOT ?? resolve(benchDir, '..')

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`)
}

function emptyReport(options: BenchOptions): BenchReport {
  const engine = options.postgres || options.databaseUrl?.startsWith('postgres') ? 'postgres' : 'sqlite'
  return {
    machine: describeMachine(),
    settings: { users: options.users, durationSeconds: options.durationSeconds, connections: options.connections, warmupSeconds: WARMUP_SECONDS, engine },
    seeding: { users: 0, seconds: 0, usersPerSecond: 0, phases: [] },
    baseline: null,
    scenarios: [],
    skipped: {},
    groupFill: null,
    postedUsers: 0,
    serverMemory: { afterSeeding: null, atEnd: null },
    logCost: [],
    postgres: null,
    initialSync: null,
    exports: [],
    twoInstances: null,
    targets: [],
    failure: null,
  }
}

async function startChecked(resources: BenchResources, name: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ service: ServiceProcess; port: number }> {
  const port = await findFreePort()
  const service = resources.startService(name, args, { ...env, HOST: '127.0.0.1', PORT: String(port) }, projectRoot)
  await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, service, STARTUP_TIMEOUT_MS)
  return { service, port }
}

async function measureBaseline(resources: BenchResources, settings: LoadSettings): Promise<BenchReport['baseline']> {
  log('baseline: starting bare Fastify child')
  const { service, port } = await startChecked(resources, 'baseline server', [join(benchDir, 'baseline-server.ts')], process.env)
  try {
    log(`baseline: GET / for ${settings.durationSeconds} s`)
    return await runLoad({ name: 'baseline', label: 'bare Fastify route, small JSON', port, headers: {}, nextRequest: () => ({ method: 'GET', path: '/' }) }, settings, resources)
  } finally {
    await resources.stopService(service)
  }
}

/** Creates the org and its SCIM token through the CLI, before the server opens the database. */
async function createOrgAndToken(resources: BenchResources, env: NodeJS.ProcessEnv, runTag: string): Promise<string> {
  const orgCommand = ['src/cli.ts', 'org', 'create', '--name', `bench-${runTag}`, '--json']
  const org = parseCliJson(orgCommand.join(' '), await resources.runCli(orgCommand, env, projectRoot, CLI_TIMEOUT_MS))
  if (typeof org.id !== 'string') throw new Error(`org create printed no string id: ${JSON.stringify(org)}`)
  const tokenCommand = ['src/cli.ts', 'scim-token', 'create', '--org', org.id, '--json']
  const token = parseCliJson(tokenCommand.join(' '), await resources.runCli(tokenCommand, env, projectRoot, CLI_TIMEOUT_MS))
  if (typeof token.token !== 'string') throw new Error(`scim-token create printed no string token: ${JSON.stringify(token)}`)
  return token.token
}

/** Stops the bench's own PostgreSQL cluster (--postgres), once the servers are gone. */
let stopCluster: (() => Promise<void>) | undefined

async function run(options: BenchOptions, resources: BenchResources, report: BenchReport): Promise<void> {
  for (const entry of ['src/main.ts', 'src/cli.ts']) {
    if (!existsSync(join(projectRoot, entry))) throw new Error(`${join(projectRoot, entry)} does not exist yet; the bench needs the server and its CLI`)
  }
  const settings: LoadSettings = { connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: WARMUP_SECONDS }
  log('compiling the server (npm run build), as npm start runs it')
  await buildCompiledServer(projectRoot)
  report.baseline = await measureBaseline(resources, settings)

  const runTag = randomBytes(4).toString('hex')
  let databaseUrl = options.databaseUrl ?? `sqlite:${join(resources.makeTempDir(), 'roster.db')}`
  if (options.postgres) {
    const durability = { durable: true, sharedBuffers: options.sharedBuffers }
    log(`starting a throwaway PostgreSQL cluster (${postgresSettings(durability).join(', ')})`)
    const cluster = await startThrowawayPostgres(durability)
    stopCluster = cluster.stop
    databaseUrl = cluster.url
    report.postgres = { settings: postgresSettings(durability) }
  }
  // The bench drives one organization far past the per-organization budget on purpose: measure throughput, not throttling.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', PROVISIONING_LOG: 'on', SCIM_RATE_LIMIT: '0' }
  log(`creating org and SCIM token (${report.settings.engine})`)
  const token = await createOrgAndToken(resources, env, runTag)
  log('starting Roster server')
  const { service: server, port } = await startChecked(resources, 'Roster server', COMPILED_SERVER, env)
  const client = new ScimClient(port, token, SEED_IN_FLIGHT * 2)
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' }

  const measure = async (definition: ScenarioDefinition): Promise<void> => {
    if (server.hasExited()) throw new Error(`the Roster server exited; its output:\n${server.outputTail()}`)
    const problem = await runSanityChecks(client, definition.sanityChecks)
    if (problem !== undefined) {
      report.skipped[definition.name] = problem
      log(`SKIP ${definition.name}: ${problem}`)
      return
    }
    log(`${definition.name}: ${definition.label} for ${settings.durationSeconds} s`)
    report.scenarios.push(await runLoad({ ...definition, port, headers }, settings, resources))
  }

  let workloads: UserWorkloads | undefined
  try {
    const users: SeededUser[] = []
    const seedPhase = async (count: number): Promise<void> => {
      if (count <= 0) return
      log(`seeding ${formatCount(count)} users (${SEED_IN_FLIGHT} in flight)`)
      const phase = await seedUsers(client, { runTag, from: users.length, count, inFlight: SEED_IN_FLIGHT, deadlineMs: 60_000 + count * 20 })
      for (const user of phase.users) users.push(user)
      report.seeding.phases.push({ users: count, seconds: phase.seconds, usersPerSecond: phase.usersPerSecond })
      report.seeding.users = users.length
      report.seeding.seconds += phase.seconds
      report.seeding.usersPerSecond = report.seeding.users / report.seeding.seconds
    }

    await seedPhase(Math.min(SMALL_POPULATION, options.users))
    if (options.users > SMALL_POPULATION) {
      await measure(new UserWorkloads(users, runTag).lookup('lookup-1k', `userName eq <existing user>, ${formatCount(users.length)} users`))
      await seedPhase(options.users - SMALL_POPULATION)
    }
    report.serverMemory.afterSeeding = readProcessMemory(server.pid) ?? null

    workloads = new UserWorkloads(users, runTag)
    for (const definition of [
      workloads.probe(),
      workloads.lookup('lookup', `userName eq <existing user>, ${formatCount(users.length)} users`),
      workloads.getById(),
      workloads.patchReplace(),
      workloads.patchActive(),
      workloads.post(),
      workloads.entraMix(),
    ]) {
      await measure(definition)
    }
    if (!options.skipGroups) {
      log(`groups: filling a group to ${formatCount(Math.min(users.length, MAX_BIG_GROUP_MEMBERS))} members in batches of 1,000`)
      const groups = await prepareGroups(client, users, runTag)
      report.groupFill = groups.fill
      for (const definition of groupScenarios(groups)) await measure(definition)
    }
    await runTenantScenarios({ options, report, client, workloads, runTag, port, headers, settings, resources, log, env, startServer: (serverEnv) => startChecked(resources, 'second Roster server', COMPILED_SERVER, serverEnv) })
    // Last, because it replaces the server: one SQLite file serves one Roster process at a time.
    report.serverMemory.atEnd = readProcessMemory(server.pid) ?? null
    client.close()
    await resources.stopService(server)
    await measureLogCost({ resources, env, token, workloads, settings, report, log, startServer: (serverEnv) => startChecked(resources, 'Roster server', COMPILED_SERVER, serverEnv) })
  } finally {
    report.postedUsers = workloads?.postedUsers ?? 0
    report.serverMemory.atEnd ??= readProcessMemory(server.pid) ?? null
    client.close()
  }
}

async function main(): Promise<number> {
  let options: BenchOptions | undefined
  try {
    options = parseBenchOptions(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error
    process.stderr.write(`${error.message}\n\n${BENCH_USAGE}\n`)
    return 2
  }
  if (options === undefined) {
    process.stdout.write(`${BENCH_USAGE}\n`)
    return 0
  }

  const resources = new BenchResources()
  const report = emptyReport(options)
  let interrupted = false
  process.once('exit', () => resources.cleanupSync())
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) {
        // A second signal: stop waiting; the exit hook kills what is left.
        process.exit(130)
      }
      interrupted = true
      report.failure = `interrupted by ${signal}`
      log(`${signal}: stopping children and removing temp dirs (again to quit at once)`)
      // Stopping the load and the server makes the run fail fast and print what it measured.
      void resources.cleanup()
      setTimeout(() => process.exit(130), 10_000).unref()
    })
  }

  try {
    await run(options, resources, report)
  } catch (error) {
    report.failure ??= error instanceof Error ? error.message : String(error)
    log(`FAILED: ${report.failure.split('\n')[0] ?? ''}`)
  } finally {
    await resources.cleanup()
    await stopCluster?.().catch((error: unknown) => log(`could not stop the PostgreSQL cluster: ${String(error)}`))
  }
  report.targets = evaluateTargets(report)
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  if (interrupted) return 130
  return report.failure === null ? 0 : 1
}

process.exitCode = await main()
