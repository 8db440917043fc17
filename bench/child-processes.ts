import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** Last bytes a child wrote, kept so a failure can show why without buffering everything. */
const OUTPUT_TAIL_BYTES = 8 * 1024
const KILL_GRACE_MS = 3_000

/**
 * The Roster server as `npm start` runs it: compiled by `npm run build` (tsc, incremental) and started with plain
 * node, without tsx's loader (a thread and ~45 MB of RSS of its own), with `npm start`'s V8 flags (a test keeps the
 * two alike). The bench measures what production runs.
 *
 * `--max-semi-space-size=8`: V8's young generation may grow to 3 × 16 MB under a stream of requests; at 8 MB the
 * server's peak RSS while POSTing users fell from 267 / 274 to 251 / 251 MB (bench:profile, POST, 20,000 users),
 * throughput within this machine's noise (4,672 / 4,143 → 4,458 / 4,283 req/s).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'] as const
export const COMPILED_SERVER = [...SERVER_NODE_FLAGS, 'dist/main.js']

/** Compiles src/ to dist/ as `npm start`'s prestart does; fails with tsc's output. */
export function buildCompiledServer(cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(cwd, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      { cwd, timeout: 180_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`npm run build failed: ${error.message}\n${stdout}${stderr}`.slice(0, 4000))) : resolve()),
    )
  })
}

/** A long-running child (the Roster server or the baseline) started by the bench. */
export interface ServiceProcess {
  name: string
  pid: number
  child: ChildProcess
  /** Tail of the child's stdout and stderr, for error messages. */
  outputTail(): string
  hasExited(): boolean
}

/**
 * Everything the bench must undo: child processes and temp dirs. Cleanup runs on success,
 * on errors and on SIGINT/SIGTERM, and a synchronous last resort runs on process exit.
 */
export class BenchResources {
  readonly #services = new Set<ServiceProcess>()
  readonly #tempDirs = new Set<string>()
  readonly #stoppables = new Set<() => void>()
  readonly #commands = new Set<ChildProcess>()
  #closed = false

  /** Throws once cleanup has begun, so an interrupted run stops instead of starting the next step. */
  assertOpen(): void {
    if (this.#closed) throw new Error('the bench is stopping')
  }

  /** A fresh directory under the OS temp dir, removed at cleanup. */
  makeTempDir(): string {
    this.assertOpen()
    const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'))
    this.#tempDirs.add(dir)
    return dir
  }

  /** Registers something to stop (a running autocannon) when the bench is interrupted. */
  onInterrupt(stop: () => void): () => void {
    this.assertOpen()
    this.#stoppables.add(stop)
    return () => this.#stoppables.delete(stop)
  }

  /**
   * Starts a Node child (and `nodeArgs`, such as --cpu-prof), through tsx when its entry is TypeScript; its output is
   * kept only as a bounded tail.
   */
  startService(name: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, nodeArgs: string[] = []): ServiceProcess {
    this.assertOpen()
    const loader = args[0]?.endsWith('.ts') ? ['--import', 'tsx'] : []
    const child = spawn(process.execPath, [...nodeArgs, ...loader, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    if (child.pid === undefined) throw new Error(`could not start ${name}: ${args.join(' ')}`)
    let tail = ''
    const keepTail = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES)
    }
    child.stdout?.on('data', keepTail)
    child.stderr?.on('data', keepTail)
    let exited = false
    child.once('exit', () => {
      exited = true
    })
    const service: ServiceProcess = {
      name,
      pid: child.pid,
      child,
      outputTail: () => tail,
      hasExited: () => exited || child.exitCode !== null || child.signalCode !== null,
    }
    this.#services.add(service)
    return service
  }

  /** Runs a short CLI command with tsx and returns its stdout; fails on a non-zero exit or timeout. */
  runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<string> {
    this.assertOpen()
    return new Promise((resolve, reject) => {
      const command = execFile(
        process.execPath,
        ['--import', 'tsx', ...args],
        { cwd, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => {
          this.#commands.delete(command)
          if (error) reject(new Error(`\`${args.join(' ')}\` failed: ${error.message}\n${stderr.slice(-2000)}`))
          else resolve(stdout)
        },
      )
      this.#commands.add(command)
    })
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the child is gone. */
  async stopService(service: ServiceProcess): Promise<void> {
    this.#services.delete(service)
    if (service.hasExited()) return
    const exited = new Promise<void>((resolve) => service.child.once('exit', () => resolve()))
    service.child.kill('SIGTERM')
    const graceful = await Promise.race([exited.then(() => true), sleep(KILL_GRACE_MS).then(() => false)])
    if (!graceful && !service.hasExited()) {
      service.child.kill('SIGKILL')
      await Promise.race([exited, sleep(KILL_GRACE_MS)])
    }
  }

  /** Stops every child and removes every temp dir; safe to call more than once. */
  async cleanup(): Promise<void> {
    this.#closed = true
    for (const stop of this.#stoppables) stop()
    this.#stoppables.clear()
    this.#killCommands()
    await Promise.all([...this.#services].map((service) => this.stopService(service)))
    this.#removeTempDirs()
  }

  /** Last resort on `process.exit`: nothing async can run there, so kill hard. */
  cleanupSync(): void {
    this.#closed = true
    for (const service of this.#services) if (!service.hasExited()) service.child.kill('SIGKILL')
    this.#services.clear()
    this.#killCommands()
    this.#removeTempDirs()
  }

  #killCommands(): void {
    for (const command of this.#commands) if (command.exitCode === null && command.signalCode === null) command.kill('SIGKILL')
    this.#commands.clear()
  }

  #removeTempDirs(): void {
    for (const dir of this.#tempDirs) rmSync(dir, { recursive: true, force: true })
    this.#tempDirs.clear()
  }
}

/** The last JSON object in CLI output that starts at a line start (the CLI may print more before it). */
export function parseCliJson(command: string, stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n')
  for (let start = lines.length - 1; start >= 0; start--) {
    if (!lines[start]?.startsWith('{')) continue
    try {
      const value: unknown = JSON.parse(lines.slice(start).join('\n'))
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
    } catch {
      // not a complete document from this line; try an earlier one
    }
  }
  throw new Error(`\`${command}\` printed no JSON object; stdout was:\n${stdout.slice(-2000)}`)
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))))
    })
  })
}

/** Polls `url` until it answers 200, the child exits, or the deadline passes. */
export async function waitForHttpOk(url: string, service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastProblem = 'no answer yet'
  while (Date.now() < deadline) {
    if (service.hasExited()) {
      throw new Error(`${service.name} exited before ${url} answered 200; its output:\n${service.outputTail()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      await response.arrayBuffer()
      if (response.status === 200) return
      lastProblem = `status ${response.status}`
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error)
    }
    await sleep(100)
  }
  throw new Error(`${service.name}: ${url} did not answer 200 within ${timeoutMs} ms (${lastProblem}); output:\n${service.outputTail()}`)
}
