import { parseArgs } from 'node:util'

/** What one `npm run bench` run measures, parsed once from argv. */
export interface BenchOptions {
  /** Users seeded through POST /Users before the scenarios run. */
  users: number
  /** Seconds each autocannon scenario runs. */
  durationSeconds: number
  /** Concurrent autocannon connections per scenario. */
  connections: number
  skipGroups: boolean
  /** `sqlite:/path` or `postgres://…`; undefined means a fresh SQLite file in a temp dir. */
  databaseUrl: string | undefined
  /** Start a throwaway PostgreSQL cluster with production durability for this run (scripts/pg-cluster.ts). */
  postgres: boolean
  /** shared_buffers of that cluster. */
  sharedBuffers: string
  /** Roster processes on one PostgreSQL under the Entra mix: 1, or 2 for the two-instance check. */
  instances: number
  /** Users the initial-sync scenario creates (lookup miss + POST each); 0 skips it. */
  syncUsers: number
  /** Skip the full exports (startIndex and cursor) of the seeded users. */
  skipExport: boolean
  json: boolean
}

/** shared_buffers of the bench's own cluster: a quarter of a small server's memory, as PostgreSQL's docs suggest. */
export const DEFAULT_SHARED_BUFFERS = '256MB'

export const BENCH_USAGE = `Usage: npm run bench -- [options]
  --users <n>           users to seed through POST /Users (default 10000, max 1000000)
  --duration <s>        seconds per scenario (default 5, max 600)
  --connections <n>     concurrent connections per scenario (default 32, max 1024)
  --skip-groups         skip the group scenarios
  --database-url <url>  DATABASE_URL for the server (default: fresh sqlite:/tmp/…/roster.db);
                        e.g. postgres://user@127.0.0.1:5432/roster to bench PostgreSQL
  --postgres            start a throwaway PostgreSQL cluster for the run, with production settings
                        (fsync, synchronous_commit and full_page_writes on)
  --shared-buffers <s>  shared_buffers of that cluster (default ${DEFAULT_SHARED_BUFFERS})
  --instances <n>       1, or 2: two Roster processes on one PostgreSQL run the Entra mix together;
                        prints the combined throughput and checks the user count after (default 1)
  --sync-users <n>      users of the initial-sync scenario, lookup miss + POST each (default 1000, 0 skips)
  --skip-export         skip the full exports through startIndex and through cursors
  --json                print one machine-readable JSON document on stdout
  --help                show this help`

/** Thrown for a bad command line; run-bench prints it with the usage text. */
export class BenchUsageError extends Error {}

function parseBoundedInteger(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BenchUsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`)
  }
  return value
}

/** Parses bench flags; `undefined` means `--help` was asked for. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | undefined {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        'skip-groups': { type: 'boolean' },
        'database-url': { type: 'string' },
        postgres: { type: 'boolean' },
        'shared-buffers': { type: 'string' },
        instances: { type: 'string' },
        'sync-users': { type: 'string' },
        'skip-export': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error))
  }
  const { values } = parsed
  if (values.help === true) return undefined
  const databaseUrl = values['database-url']
  if (databaseUrl !== undefined && !/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new BenchUsageError(`--database-url must start with sqlite: or postgres://, got "${databaseUrl}"`)
  }
  const postgres = values.postgres === true
  if (postgres && databaseUrl !== undefined) throw new BenchUsageError('--postgres starts its own cluster; give it or --database-url, not both')
  const sharedBuffers = values['shared-buffers'] ?? DEFAULT_SHARED_BUFFERS
  if (values['shared-buffers'] !== undefined && !postgres) throw new BenchUsageError('--shared-buffers applies to the cluster of --postgres only')
  if (!/^\d+(kB|MB|GB)$/.test(sharedBuffers)) throw new BenchUsageError(`--shared-buffers must look like 256MB, got "${sharedBuffers}"`)
  const instances = parseBoundedInteger('--instances', values.instances, 1, 1, 2)
  const onPostgres = postgres || databaseUrl?.startsWith('postgres') === true
  if (instances === 2 && !onPostgres) throw new BenchUsageError('--instances 2 needs PostgreSQL (--postgres or a postgres:// --database-url): one SQLite file serves one Roster process')
  return {
    users: parseBoundedInteger('--users', values.users, 10_000, 1, 1_000_000),
    durationSeconds: parseBoundedInteger('--duration', values.duration, 5, 1, 600),
    connections: parseBoundedInteger('--connections', values.connections, 32, 1, 1024),
    skipGroups: values['skip-groups'] === true,
    databaseUrl,
    postgres,
    sharedBuffers,
    instances,
    syncUsers: parseBoundedInteger('--sync-users', values['sync-users'], 1_000, 0, 1_000_000),
    skipExport: values['skip-export'] === true,
    json: values.json === true,
  }
}
