import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { BenchUsageError, parseBenchOptions } from './bench-options.js'
import { evaluateTargets, type BenchReport } from './bench-targets.js'
import { COMPILED_SERVER, parseCliJson } from './child-processes.js'
import type { LoadResult } from './load-runner.js'
import { checkGroupMembership, encodeFilter, findUserByUserName } from './scim-requests.js'
import { postgresSettings } from '../scripts/pg-cluster.js'
import { formatReport } from './format-report.js'
import { judgeCounts } from './two-instances.js'
import { pairedCost } from './log-cost.js'

function loadResult(name: string, requestsPerSecond: number, p99Ms = 5, non2xx = 0): LoadResult {
  return { name, label: name, requestsPerSecond, p50Ms: 1, p99Ms, maxMs: p99Ms, requests: 1000, non2xx, errors: 0, timeouts: 0, statusCounts: { '200': 1000 }, durationSeconds: 5 }
}

function report(overrides: Partial<BenchReport>): BenchReport {
  return {
    machine: { cpuModel: 'test', cores: 2, totalMemoryMb: 1024, nodeVersion: 'v20', os: 'linux', date: '2025-01-01T00:00:00Z', loadAverageAtStart: 0 },
    settings: { users: 10_000, durationSeconds: 5, connections: 32, warmupSeconds: 1, engine: 'sqlite' },
    seeding: { users: 10_000, seconds: 4, usersPerSecond: 2_500, phases: [] },
    baseline: loadResult('baseline', 10_000),
    scenarios: [],
    skipped: {},
    groupFill: null,
    postedUsers: 0,
    serverMemory: { afterSeeding: null, atEnd: { rssMb: 120, peakRssMb: 140 } },
    logCost: [],
    postgres: null,
    initialSync: null,
    exports: [],
    twoInstances: null,
    targets: [],
    failure: null,
    ...overrides,
  }
}

const verdictOf = (rows: ReturnType<typeof evaluateTargets>, startsWith: string): string | undefined =>
  rows.find((row) => row.target.startsWith(startsWith))?.verdict

describe('the server the bench starts', () => {
  it("is the compiled server with npm start's V8 flags", () => {
    const start = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start
    for (const part of COMPILED_SERVER) assert.ok(start.split(' ').includes(part), `npm start (${start}) lacks ${part}`)
  })
})

describe('bench options', () => {
  it('defaults to 10,000 users, 5 s, 32 connections and a fresh SQLite database', () => {
    assert.deepEqual(parseBenchOptions([]), {
      users: 10_000,
      durationSeconds: 5,
      connections: 32,
      skipGroups: false,
      databaseUrl: undefined,
      postgres: false,
      sharedBuffers: '256MB',
      instances: 1,
      syncUsers: 1_000,
      skipExport: false,
      json: false,
    })
  })

  it('starts its own PostgreSQL with --postgres, with a shared_buffers of choice, and not beside --database-url', () => {
    const options = parseBenchOptions(['--postgres', '--shared-buffers', '1GB', '--instances', '2'])
    assert.equal(options?.postgres, true)
    assert.equal(options?.sharedBuffers, '1GB')
    assert.equal(options?.instances, 2)
    assert.throws(() => parseBenchOptions(['--postgres', '--database-url', 'postgres://u@127.0.0.1/db']), BenchUsageError)
    assert.throws(() => parseBenchOptions(['--postgres', '--shared-buffers', 'lots']), /--shared-buffers/)
    assert.throws(() => parseBenchOptions(['--shared-buffers', '1GB']), /--postgres/)
  })

  it('runs two instances only on PostgreSQL, and at most two', () => {
    assert.throws(() => parseBenchOptions(['--instances', '2']), /needs PostgreSQL/)
    assert.throws(() => parseBenchOptions(['--postgres', '--instances', '3']), /--instances/)
    assert.equal(parseBenchOptions(['--database-url', 'postgres://u@127.0.0.1/db', '--instances', '2'])?.instances, 2)
  })

  it('sizes or skips the initial sync and the exports', () => {
    assert.equal(parseBenchOptions(['--sync-users', '0'])?.syncUsers, 0)
    assert.equal(parseBenchOptions(['--skip-export'])?.skipExport, true)
    assert.throws(() => parseBenchOptions(['--sync-users', '-1']), BenchUsageError)
  })

  it('accepts the quick-run flags', () => {
    const options = parseBenchOptions(['--users', '1000', '--duration', '2', '--skip-groups', '--json'])
    assert.equal(options?.users, 1000)
    assert.equal(options?.durationSeconds, 2)
    assert.equal(options?.skipGroups, true)
    assert.equal(options?.json, true)
  })

  it('rejects a non-numeric or out-of-range user count with the flag named', () => {
    assert.throws(() => parseBenchOptions(['--users', '10k']), (error: unknown) => error instanceof BenchUsageError && /--users/.test(error.message))
    assert.throws(() => parseBenchOptions(['--users', '0']), BenchUsageError)
  })

  it('rejects a database URL that is neither sqlite: nor postgres://', () => {
    assert.throws(() => parseBenchOptions(['--database-url', 'mysql://x']), BenchUsageError)
    assert.equal(parseBenchOptions(['--database-url', 'postgres://u@127.0.0.1/db'])?.databaseUrl, 'postgres://u@127.0.0.1/db')
  })

  it('returns undefined for --help and rejects unknown flags', () => {
    assert.equal(parseBenchOptions(['--help']), undefined)
    assert.throws(() => parseBenchOptions(['--frob']), BenchUsageError)
  })
})

describe('CLI output parsing', () => {
  it('finds a pretty-printed JSON object after banner lines', () => {
    assert.deepEqual(parseCliJson('org create', 'banner\n{\n  "id": "org_1",\n  "name": "bench"\n}\n'), { id: 'org_1', name: 'bench' })
  })

  it('explains what was printed when there is no JSON object', () => {
    assert.throws(() => parseCliJson('org create', 'Created organization org_1'), /printed no JSON object[\s\S]*Created organization/)
  })
})

describe('SCIM request shapes', () => {
  it('encodes filters as Entra does, with + for spaces and quotes escaped', () => {
    assert.equal(encodeFilter('userName eq "a@b.com"'), 'userName+eq+%22a%40b.com%22')
    assert.equal(findUserByUserName('x y').path, '/org/scim/v2/Users?filter=userName+eq+%22x+y%22')
  })

  it('writes the membership check as an id filter and a members valuePath', () => {
    const path = decodeURIComponent(checkGroupMembership('grp_1', 'usr_2').path.replace(/\+/g, ' '))
    assert.equal(path, '/org/scim/v2/Groups?filter=id eq "grp_1" and members[value eq "usr_2"]&excludedAttributes=members')
  })
})

describe('targets table', () => {
  it('passes lookup and mix ratios at or above the targets and misses a slow mix p99', () => {
    const rows = evaluateTargets(
      report({ scenarios: [loadResult('lookup-1k', 6_000), loadResult('lookup', 5_500), loadResult('entra-mix', 4_000, 12)] }),
    )
    assert.equal(verdictOf(rows, 'userName lookup'), 'PASS')
    assert.equal(verdictOf(rows, 'lookup flat'), 'PASS')
    assert.equal(verdictOf(rows, 'Entra mix ≥'), 'PASS')
    assert.equal(verdictOf(rows, 'Entra mix p99'), 'MISS')
  })

  it('marks targets whose scenario did not run as N/A, not PASS', () => {
    const rows = evaluateTargets(report({ scenarios: [], seeding: { users: 0, seconds: 0, usersPerSecond: 0, phases: [] } }))
    assert.equal(verdictOf(rows, 'userName lookup'), 'N/A')
    assert.equal(verdictOf(rows, 'POST seeding'), 'N/A')
    assert.equal(verdictOf(rows, 'group fill: last'), 'N/A')
  })

  it('misses the validity row when any measured request was not 2xx', () => {
    const rows = evaluateTargets(report({ scenarios: [loadResult('lookup', 5_500, 5, 3)] }))
    assert.equal(verdictOf(rows, 'every measured request'), 'MISS')
  })

  it('judges the group fill by last-versus-first and by the slowest batch', () => {
    const fill = { members: 10_000, batches: 10, firstBatchMs: 40, lastBatchMs: 70, firstBatchesMedianMs: 40, lastBatchesMedianMs: 70, medianBatchMs: 50, maxBatchMs: 120 }
    const rows = evaluateTargets(report({ groupFill: fill }))
    assert.equal(verdictOf(rows, 'group fill: last'), 'MISS')
    assert.equal(verdictOf(rows, 'group fill: every'), 'MISS')
    const postgresRows = evaluateTargets(report({ groupFill: fill, settings: { ...report({}).settings, engine: 'postgres' } }))
    assert.equal(verdictOf(postgresRows, 'group fill: every'), 'N/A')
    // One slow last batch (a WAL checkpoint) does not decide growth: the medians of the edge batches do.
    const spiky = { ...fill, lastBatchMs: 300, firstBatchesMedianMs: 40, lastBatchesMedianMs: 55, maxBatchMs: 90 }
    assert.equal(verdictOf(evaluateTargets(report({ groupFill: spiky })), 'group fill: last'), 'PASS')
  })

  it("judges issue #11's request rates: GET and PATCH against the baseline, POST in users per second", () => {
    const rows = evaluateTargets(report({ scenarios: [loadResult('get-by-id', 4_000), loadResult('patch-replace', 2_400), loadResult('post', 4_100)] }))
    assert.equal(verdictOf(rows, 'GET by id'), 'PASS', '0.40× of a 10,000 req/s baseline')
    assert.equal(verdictOf(rows, 'PATCH Replace'), 'MISS', '0.24× < 0.25×')
    assert.equal(verdictOf(rows, 'POST /Users'), 'PASS')
    assert.equal(verdictOf(evaluateTargets(report({})), 'POST /Users'), 'N/A')
  })

  it('judges the provisioning log by server CPU per lookup, log on vs off, compared slice pair by slice pair', () => {
    const row = (offCpu: number[], onCpu: number[]) => ({
      scenario: 'lookup',
      off: { requestsPerSecond: 5000, cpuMicrosPerRequest: offCpu[0]! },
      on: { requestsPerSecond: 4800, cpuMicrosPerRequest: onCpu[0]! },
      cpuCost: pairedCost(offCpu, onCpu),
      slices: offCpu.length,
    })
    const target = 'provisioning log costs'
    assert.equal(verdictOf(evaluateTargets(report({ logCost: [row([100], [108])] })), target), 'PASS')
    assert.equal(verdictOf(evaluateTargets(report({ logCost: [row([100], [115])] })), target), 'MISS')
    assert.equal(verdictOf(evaluateTargets(report({})), target), 'N/A')
    assert.equal(verdictOf(evaluateTargets(report({ logCost: [row([100], [null as unknown as number])] })), target), 'N/A', 'no CPU figure, no verdict')

    // Pairs' ratios 5, 6, 7, 8, 40 and -20 %: the middle four (5 to 8) decide, not the outliers.
    const cost = pairedCost([100, 100, 100, 100, 100, 100], [105, 106, 107, 108, 140, 80])
    assert.ok(cost !== null && Math.abs(cost - 0.065) < 1e-9, String(cost))
    // Pairs, not sorted lists: a slow slice of both variants alike costs nothing.
    assert.equal(pairedCost([100, 200], [110, 220])?.toFixed(3), '0.100')
    assert.equal(pairedCost([], []), null)
    assert.equal(pairedCost([100, null], [110, 120]), null)
  })
})

describe('PostgreSQL, two instances, initial sync and exports', () => {
  it('runs the bench cluster durable with the shared_buffers asked for, and tests without durability', () => {
    assert.deepEqual(postgresSettings({ durable: true, sharedBuffers: '256MB' }), [
      'fsync=on',
      'synchronous_commit=on',
      'full_page_writes=on',
      'max_connections=200',
      'shared_buffers=256MB',
    ])
    assert.ok(postgresSettings().includes('fsync=off'))
    assert.throws(() => postgresSettings({ sharedBuffers: '256' }), /shared_buffers/)
  })

  it('judges the user count after two instances: exact, explained by cut-off requests, or a mismatch', () => {
    assert.equal(judgeCounts(1000, 1050, 50, 32), 'exact')
    assert.equal(judgeCounts(1000, 1052, 50, 32), 'within in-flight')
    assert.equal(judgeCounts(1000, 1049, 50, 32), 'MISMATCH', 'a lost write')
    assert.equal(judgeCounts(1000, 1090, 50, 32), 'MISMATCH', 'more users than POSTs could explain')
  })

  it('prints and judges the new sections', () => {
    const exportRow = (mode: 'startIndex' | 'cursor', last: number) => ({ mode, users: 10_000, pages: 100, seconds: 2, usersPerSecond: 5_000, firstPagesMedianMs: 10, lastPagesMedianMs: last })
    const two = {
      perInstance: [loadResult('entra-mix@1', 2_000), loadResult('entra-mix@2', 1_900)],
      combinedRequestsPerSecond: 3_900,
      usersBefore: 1_000,
      usersAfter: 1_400,
      created: 400,
      inFlightAtStop: 32,
      consistency: 'exact' as const,
    }
    const full = report({
      postgres: { settings: postgresSettings({ durable: true, sharedBuffers: '256MB' }) },
      initialSync: { users: 500, seconds: 1, usersPerSecond: 500, projectedTenantSeconds: 200 },
      exports: [exportRow('startIndex', 30), exportRow('cursor', 11)],
      twoInstances: two,
    })
    const rows = evaluateTargets(full)
    assert.equal(verdictOf(rows, 'export through startIndex'), 'MISS')
    assert.equal(verdictOf(rows, 'export through cursor'), 'PASS')
    assert.equal(verdictOf(rows, 'two instances'), 'PASS')
    assert.equal(verdictOf(evaluateTargets(report({ twoInstances: { ...two, consistency: 'MISMATCH' } })), 'two instances'), 'MISS')
    const text = formatReport({ ...full, targets: rows })
    assert.match(text, /fsync=on, synchronous_commit=on/)
    assert.match(text, /a 100,000-user tenant would take 3\.3 min/)
    assert.match(text, /combined\s+3,900 req\/s/)
    assert.match(text, /cursor\s+10,000 users, 100 pages/)
  })
})
