import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, where `src/cli.ts`, `src/main.ts` and package.json live. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface ProcessResult {
  /** Exit code; null when the process was killed (timeout). */
  code: number | null
  stdout: string
  stderr: string
}

/** The parent's environment without what would change the child's behaviour (test runner context, our variables). */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['NODE_TEST_CONTEXT', 'DATABASE_URL', 'PORT', 'HOST', 'PUBLIC_URL', 'LOG_LEVEL', 'ADMIN_EMAIL', 'TRUST_PROXY']) delete env[name]
  return { ...env, ...overrides }
}

/** Runs a command to completion, bounded by `timeoutMs`. */
export function runProcess(file: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<ProcessResult> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { cwd: REPO_ROOT, env: childEnvironment(env), timeout: timeoutMs, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
      resolvePromise({ code, stdout, stderr })
    })
  })
}

/** `node --import tsx src/cli.ts <args>` against `databaseUrl` (what `npm run --silent cli -- <args>` runs). */
export const runCli = (databaseUrl: string, args: string[]): Promise<ProcessResult> =>
  runProcess(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { DATABASE_URL: databaseUrl })

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePromise(port))
    })
  })
}

/** A running `src/main.ts` whose stdout and stderr are collected. */
export interface ServerProcess {
  child: ChildProcess
  output(): string
  /** Resolves once stdout matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>
}

export function startServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env: childEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let exited = false
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exit = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => {
    exited = true
    resolvePromise(code)
  }))
  return {
    child,
    output: () => stdout,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      new Promise((resolvePromise, reject) => {
        const started = Date.now()
        const poll = setInterval(() => {
          if (pattern.test(stdout)) {
            clearInterval(poll)
            resolvePromise(stdout)
          } else if (exited || Date.now() - started > timeoutMs) {
            clearInterval(poll)
            reject(new Error(`server ${exited ? 'exited' : 'timed out'} before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`))
          }
        }, 25)
      }),
    stop: async () => {
      if (exited) return exit
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      const code = await exit
      clearTimeout(timer)
      return code
    },
  }
}

/** Issue 2 §5: with --json, stdout is exactly one JSON document and nothing else; stderr stays empty. */
export function jsonOutput<T>(result: ProcessResult, command: string): T {
  assert.equal(result.code, 0, `${command} should exit 0; stderr: ${result.stderr}`)
  assert.equal(result.stderr, '', `${command} should write nothing to stderr`)
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    assert.fail(`${command} should print exactly one JSON document, got:\n${result.stdout}`)
  }
}

/** Issue 2 §5: on error, a non-zero exit and a clear message on stderr, nothing on stdout. */
export function assertCliError(result: ProcessResult, command: string, message: RegExp): void {
  assert.notEqual(result.code, 0, `${command} should fail`)
  assert.notEqual(result.code, null, `${command} timed out`)
  assert.equal(result.stdout, '', `${command} should print nothing on stdout`)
  assert.match(result.stderr, message)
}

