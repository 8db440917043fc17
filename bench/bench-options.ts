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
  json: boolean
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]
  --users <n>           users to seed through POST /Users (default 10000, max 1000000)
  --duration <s>        seconds per scenario (default 5, max 600)
  --connections <n>     concurrent connections per scenario (default 32, max 1024)
  --skip-groups         skip the group scenarios
  --database-url <url>  DATABASE_URL for the server (default: fresh sqlite:/tmp/…/roster.db);
                        e.g. postgres://user@127.0.0.1:5432/roster to bench PostgreSQL
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
  return {
    users: parseBoundedInteger('--users', values.users, 10_000, 1, 1_000_000),
    durationSeconds: parseBoundedInteger('--duration', values.duration, 5, 1, 600),
    connections: parseBoundedInteger('--connections', values.connections, 32, 1, 1024),
    skipGroups: values['skip-groups'] === true,
    databaseUrl,
    json: values.json === true,
  }
}
