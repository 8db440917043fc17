/**
 * A throwaway PostgreSQL cluster for tests, made with PostgreSQL's own initdb/pg_ctl (no Docker on
 * these machines): trust auth, a free 127.0.0.1 port, durability off for speed (on for the bench), removed on stop().
 */
import { execFile } from 'node:child_process'
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const START_TIMEOUT_SECONDS = 60
const COMMAND_TIMEOUT_MS = 120_000

/** Directory holding initdb and pg_ctl: PATH first, else Debian's /usr/lib/postgresql/<version>/bin (15 preferred). */
export function findPostgresBinaries(): string | undefined {
  const isExecutable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  const hasBoth = (dir: string): boolean => isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'pg_ctl'))
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && hasBoth(dir)) return dir
  }
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((version) => hasBoth(join(root, version, 'bin')))
    .sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

/** A running throwaway cluster. */
export interface ThrowawayPostgres {
  url: string
  /** Kills the server (immediate mode) and deletes its files. */
  stop(): Promise<void>
  /** Stops the server (fast mode: connections are cut) but keeps its files, for outage tests. */
  halt(): Promise<void>
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>
}

/** How the cluster runs: tests want speed, the bench wants what production runs. */
export interface ThrowawayPostgresOptions {
  /** fsync, synchronous_commit and full_page_writes on (PostgreSQL's defaults); off when false or absent. */
  durable?: boolean
  /** shared_buffers, e.g. '256MB'; PostgreSQL's default (128MB) when absent. */
  sharedBuffers?: string
}

/** The server settings of a cluster with these options (exported so the bench can print what it ran). */
export function postgresSettings(options: ThrowawayPostgresOptions = {}): string[] {
  const durability = options.durable === true ? 'on' : 'off'
  const settings = [`fsync=${durability}`, `synchronous_commit=${durability}`, `full_page_writes=${durability}`, 'max_connections=200']
  if (options.sharedBuffers !== undefined) {
    if (!/^\d+(kB|MB|GB)$/.test(options.sharedBuffers)) throw new Error(`shared_buffers must look like 256MB, got "${options.sharedBuffers}"`)
    settings.push(`shared_buffers=${options.sharedBuffers}`)
  }
  return settings
}

/** Starts a fresh cluster; `stop()` kills it (immediate mode) and deletes its files. */
export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const binaries = findPostgresBinaries()
  if (binaries === undefined) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin')

  const root = mkdtempSync(join(tmpdir(), 'roster-pg-'))
  const dataDir = join(root, 'data')
  const logFile = join(root, 'postgres.log')
  // initdb refuses to run as root: hand the folder to the postgres user and run the tools as it.
  const asRoot = userInfo().uid === 0
  if (asRoot) {
    const { uid, gid } = await postgresAccount()
    chownSync(root, uid, gid)
  }
  const run = (tool: string, args: string[]): Promise<string> =>
    asRoot ? command('runuser', ['-u', 'postgres', '--', join(binaries, tool), ...args]) : command(join(binaries, tool), args)

  let started = false
  try {
    await run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'])
    const port = await freePort()
    const serverOptions = [
      '-c listen_addresses=127.0.0.1',
      `-c port=${port}`,
      `-c unix_socket_directories=${root}`,
      ...postgresSettings(options).map((setting) => `-c ${setting}`),
    ].join(' ')
    await run('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_SECONDS), '-o', serverOptions])
    started = true
    const stop = async (): Promise<void> => {
      try {
        await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '30'])
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
    const halt = async (): Promise<void> => {
      await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'])
    }
    const resume = async (): Promise<void> => {
      await run('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_SECONDS), '-o', serverOptions])
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, halt, resume }
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : ''
    if (started) await run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate']).catch(() => {})
    rmSync(root, { recursive: true, force: true })
    throw new Error(`Could not start a throwaway PostgreSQL cluster${log ? `; server log:\n${log}` : ''}`, { cause: error })
  }
}

function command(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || error.message}`, { cause: error }))
      else resolve(stdout)
    })
  })
}

async function postgresAccount(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([command('id', ['-u', 'postgres']), command('id', ['-g', 'postgres'])])
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) }
}

/** A port the kernel just handed out; PostgreSQL binds it a moment later (a race we accept in tests). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

// `tsx scripts/pg-cluster.ts`: a cluster for manual work, until Ctrl-C.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cluster = await startThrowawayPostgres()
  console.log(`PostgreSQL is up: ${cluster.url}  (Ctrl-C stops it and deletes its files)`)
  const shutdown = () => void cluster.stop().finally(() => process.exit(0))
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}
