/**
 * `npm test`: starts a throwaway PostgreSQL (unless ROSTER_TEST_PG_URL is already set) so that the
 * store contract runs on both engines, then runs node's test runner over every `*.test.ts` under
 * src/ and test/ (or the files and folders given as arguments), and always stops the cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { startThrowawayPostgres } from './pg-cluster.js'

const DEFAULT_ROOTS = ['src', 'test', 'bench']

function testFilesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  const files: string[] = []
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const child = join(path, entry.name)
    if (entry.isDirectory()) files.push(...testFilesUnder(child))
    else if (entry.name.endsWith('.test.ts')) files.push(child)
  }
  return files
}

function collectTestFiles(args: string[]): string[] {
  const roots = args.length > 0 ? args : DEFAULT_ROOTS.filter((root) => statSync(root, { throwIfNoEntry: false }))
  const files = new Set<string>()
  for (const root of roots) {
    if (!statSync(root, { throwIfNoEntry: false })) throw new Error(`No such test file or folder: ${root}`)
    for (const file of testFilesUnder(root)) files.add(relative(process.cwd(), file))
  }
  return [...files].sort()
}

async function main(): Promise<number> {
  const files = collectTestFiles(process.argv.slice(2))
  if (files.length === 0) {
    console.error('No *.test.ts files found')
    return 1
  }

  let cluster: { url: string; stop(): Promise<void> } | undefined
  if (!process.env.ROSTER_TEST_PG_URL) {
    try {
      cluster = await startThrowawayPostgres()
      process.env.ROSTER_TEST_PG_URL = cluster.url
    } catch (error) {
      if (process.env.CI === 'true') throw error
      console.warn(`\n!!! PostgreSQL could not be started; running the SQLite tests ONLY.\n!!! ${(error as Error).message}\n`)
    }
  }

  let child: ChildProcess | undefined
  let stopping: Promise<void> | undefined
  const stopCluster = (): Promise<void> => (stopping ??= cluster?.stop().catch((error: unknown) => console.error('Stopping PostgreSQL failed:', error)) ?? Promise.resolve())
  const onSignal = (signal: NodeJS.Signals) => {
    child?.kill(signal)
    void stopCluster().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  try {
    const code = await new Promise<number>((resolve, reject) => {
      child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env: process.env })
      child.once('error', reject)
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)))
    })
    return code
  } finally {
    await stopCluster()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
