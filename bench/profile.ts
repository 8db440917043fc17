/**
 * `npm run bench:profile -- --scenario patch` — where a request's time goes.
 *
 * Starts Roster on a fresh SQLite file (or --database-url) under `node --cpu-prof`, seeds users, drives one scenario
 * with autocannon, stops the server (the profile is written at its clean exit) and prints the server's CPU time per
 * request by area (HTTP, SCIM, domain, store, SQLite, provisioning log, events, GC, …) and the top functions by
 * self time. The .cpuprofile is kept (path printed): open it in Chrome DevTools (Performance → Load profile) or
 * https://www.speedscope.app for a flame graph. Figures are CPU samples of the server process only, so they hold up
 * better than req/s on a busy machine; still, take them on a quiet one.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BenchResources, buildCompiledServer, COMPILED_SERVER, findFreePort, parseCliJson, waitForHttpOk } from './child-processes.js'
import { postgresSettings, startThrowawayPostgres } from '../scripts/pg-cluster.js'
import { runLoad } from './load-runner.js'
import { readProcessCpuSeconds, readProcessMemory, readThreadCpuSeconds } from './machine.js'
import { ScimClient } from './scim-client.js'
import { seedUsers } from './seed-users.js'
import { UserWorkloads, type ScenarioDefinition } from './user-scenarios.js'
import { summarizeProfile, type CpuProfile } from './profile-summary.js'

const benchDir = dirname(fileURLToPath(import.meta.url))
const projectRoot = join(benchDir, '..')
const SCENARIOS = ['lookup', 'get', 'patch', 'active', 'post', 'mix'] as const
type ScenarioName = (typeof SCENARIOS)[number]

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'mix' },
    users: { type: 'string', default: '5000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    'database-url': { type: 'string' },
    /** A throwaway PostgreSQL cluster with production durability, as `npm run bench -- --postgres` starts. */
    postgres: { type: 'boolean', default: false },
    log: { type: 'string', default: 'on' },
    top: { type: 'string', default: '25' },
    /** Run without the profiler: the memory and CPU figures alone, undisturbed by it. */
    'no-profile': { type: 'boolean', default: false },
  },
})
const scenarioName = values.scenario as ScenarioName
if (!SCENARIOS.includes(scenarioName)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`)
const bounded = (name: string, raw: string, max: number): number => {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}`)
  return value
}
const users = bounded('users', values.users, 200_000)
const durationSeconds = bounded('duration', values.duration, 120)
const connections = bounded('connections', values.connections, 256)
const log = (line: string): void => void process.stderr.write(`${line}\n`)

function pick(workloads: UserWorkloads): ScenarioDefinition {
  switch (scenarioName) {
    case 'lookup':
      return workloads.lookup()
    case 'get':
      return workloads.getById()
    case 'patch':
      return workloads.patchReplace()
    case 'active':
      return workloads.patchActive()
    case 'post':
      return workloads.post()
    case 'mix':
      return workloads.entraMix()
  }
}

const resources = new BenchResources()
process.once('exit', () => resources.cleanupSync())
let cluster: Awaited<ReturnType<typeof startThrowawayPostgres>> | undefined
try {
  if (values.postgres) {
    log(`starting a throwaway PostgreSQL cluster (${postgresSettings({ durable: true }).join(', ')})`)
    cluster = await startThrowawayPostgres({ durable: true })
  }
  log('compiling the server (npm run build), as npm start runs it')
  await buildCompiledServer(projectRoot)
  const dir = resources.makeTempDir()
  const profileDir = join(projectRoot, 'data', 'profiles')
  mkdirSync(profileDir, { recursive: true })
  const databaseUrl = cluster?.url ?? values['database-url'] ?? `sqlite:${join(dir, 'roster.db')}`
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', PROVISIONING_LOG: values.log, SCIM_RATE_LIMIT: '0' }
  const runTag = randomBytes(4).toString('hex')
  const org = parseCliJson('org create', await resources.runCli(['src/cli.ts', 'org', 'create', '--name', `profile-${runTag}`, '--json'], env, projectRoot, 60_000))
  const token = parseCliJson('scim-token create', await resources.runCli(['src/cli.ts', 'scim-token', 'create', '--org', String(org.id), '--json'], env, projectRoot, 60_000))
  const port = await findFreePort()
  const before = new Set(readdirSync(profileDir))
  const server = resources.startService(
    'Roster server',
    COMPILED_SERVER,
    { ...env, HOST: '127.0.0.1', PORT: String(port) },
    projectRoot,
    values['no-profile'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'],
  )
  await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, server, 60_000)
  const client = new ScimClient(port, String(token.token), 64)
  log(`seeding ${users} users`)
  const seeded = await seedUsers(client, { runTag, from: 0, count: users, inFlight: 32, deadlineMs: 60_000 + users * 20 })
  const definition = pick(new UserWorkloads(seeded.users, runTag))
  const headers = { authorization: `Bearer ${String(token.token)}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' }
  log(`${definition.name}: ${definition.label}, ${durationSeconds} s, ${connections} connections`)
  // Seeding and the measured load land in one profile. V8 stamps samples with the monotonic clock process.hrtime reads
  // (CLOCK_MONOTONIC on Linux, shared by every process), so the load's window can be cut out of the profile exactly.
  const micros = (): number => Number(process.hrtime.bigint() / 1000n)
  const loadStartedAt = micros()
  const cpuBefore = readProcessCpuSeconds(server.pid)
  const threadsBefore = readThreadCpuSeconds(server.pid)
  const result = await runLoad({ ...definition, port, headers }, { connections, durationSeconds, warmupSeconds: 0 }, resources)
  const cpuAfter = readProcessCpuSeconds(server.pid)
  const threadsAfter = readThreadCpuSeconds(server.pid)
  const memory = readProcessMemory(server.pid)
  const loadEndedAt = micros()
  // Every thread of the server (GC helpers included), from /proc: what the bench's log-cost table compares.
  const processCpu = cpuBefore !== undefined && cpuAfter !== undefined ? `; server process CPU ${(((cpuAfter - cpuBefore) * 1e6) / Math.max(1, result.requests)).toFixed(0)} µs/request (all threads)` : ''
  client.close()
  await resources.stopService(server)
  if (threadsBefore && threadsAfter) {
    const perRequest = [...threadsAfter]
      .map(([name, seconds]) => [name, ((seconds - (threadsBefore.get(name) ?? 0)) * 1e6) / Math.max(1, result.requests)] as const)
      .filter(([, micros]) => micros >= 0.5)
      .sort((a, b) => b[1] - a[1])
    log(`server CPU by thread, µs/request: ${perRequest.map(([name, micros]) => `${name} ${micros.toFixed(1)}`).join(', ')}`)
  }
  if (memory) log(`server memory: RSS ${memory.rssMb} MB, peak ${memory.peakRssMb} MB`)
  const summaryLine = `${definition.label}: ${result.requests} requests, ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(1)} ms, non-2xx ${result.non2xx}; provisioning log ${values.log}${processCpu}\n`
  if (values['no-profile']) {
    process.stdout.write(summaryLine)
    await cluster?.stop()
    process.exit(0)
  }
  const written = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile') && !before.has(name))
  if (written.length === 0) throw new Error(`the server wrote no .cpuprofile into ${profileDir}; output:\n${server.outputTail()}`)
  // tsx's module loader runs on a thread of its own, which writes a profile too: the main thread's is the biggest.
  const path = written.map((name) => join(profileDir, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const summary = summarizeProfile(profile, { fromMicros: loadStartedAt, toMicros: loadEndedAt, requests: result.requests, top: Number(values.top) })
  process.stdout.write(`${summaryLine}profile: ${path}\n\n${summary}\n`)
} finally {
  await resources.cleanup()
  await cluster?.stop()
}
