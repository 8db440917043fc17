/**
 * Tenant-scale scenarios (issue #11 items 4 and 5): Entra's initial sync (a lookup that misses, then a POST, per user)
 * and a full export of the organization's users through startIndex pages and through RFC 9865 cursors.
 */
import { bodyField, describeAnswer, type ScimClient } from './scim-client.js'
import { createUser, findUserByUserName, SCIM_BASE_PATH, type BenchRequest } from './scim-requests.js'

/** The tenant size the initial-sync figure is projected to. */
export const TENANT_USERS = 100_000

export interface InitialSyncResult {
  users: number
  seconds: number
  usersPerSecond: number
  /** Seconds a TENANT_USERS-user tenant would take at this rate. */
  projectedTenantSeconds: number
}

/**
 * For each new user: `userName eq` (which must find nothing), then POST /Users, with `inFlight` users in progress,
 * as Entra's first cycle does. Stops at the first unexpected answer or at the deadline.
 */
export async function runInitialSync(
  client: ScimClient,
  options: { runTag: string; count: number; inFlight: number; deadlineMs: number },
): Promise<InitialSyncResult> {
  const deadline = Date.now() + options.deadlineMs
  let next = 0
  let failure: Error | undefined
  const expect = async (request: BenchRequest, check: (status: number, totalResults: unknown) => boolean): Promise<void> => {
    const answer = await client.send(request)
    if (!check(answer.status, bodyField(answer, 'totalResults'))) throw new Error(`initial sync: ${describeAnswer(request, answer)}`)
  }
  async function worker(): Promise<void> {
    while (failure === undefined && next < options.count) {
      if (Date.now() > deadline) {
        failure = new Error(`initial sync stopped at the ${options.deadlineMs} ms deadline after ${next} of ${options.count} users`)
        return
      }
      const userName = `bench.${options.runTag}.sync.${next++}@example.com`
      try {
        await expect(findUserByUserName(userName), (status, total) => status === 200 && total === 0)
        await expect(createUser(userName), (status) => status === 201)
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error))
      }
    }
  }
  const startedAt = performance.now()
  await Promise.all(Array.from({ length: Math.min(options.inFlight, options.count) }, () => worker()))
  const seconds = (performance.now() - startedAt) / 1000
  if (failure !== undefined) throw failure
  const usersPerSecond = seconds > 0 ? options.count / seconds : 0
  return { users: options.count, seconds, usersPerSecond, projectedTenantSeconds: usersPerSecond > 0 ? TENANT_USERS / usersPerSecond : Number.NaN }
}

export type ExportMode = 'startIndex' | 'cursor'

export interface ExportResult {
  mode: ExportMode
  users: number
  pages: number
  seconds: number
  usersPerSecond: number
  /** Median ms of the first and of the last tenth of the pages: flat when paging is keyset underneath. */
  firstPagesMedianMs: number
  lastPagesMedianMs: number
}

/** The organization's user count, from a `count=0` list. */
export async function countUsers(client: ScimClient): Promise<number> {
  const request: BenchRequest = { method: 'GET', path: `${SCIM_BASE_PATH}/Users?count=0` }
  const answer = await client.send(request)
  const total = bodyField(answer, 'totalResults')
  if (answer.status !== 200 || typeof total !== 'number') throw new Error(`count: ${describeAnswer(request, answer)}`)
  return total
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN)
}

/**
 * Reads every user, one page after another, as an export job would. Every id must come exactly once (nothing writes
 * during the export), and the walk is bounded by `maxPages`.
 */
export async function runFullExport(client: ScimClient, options: { mode: ExportMode; pageSize: number; expectedUsers: number; maxPages: number }): Promise<ExportResult> {
  const seen = new Set<string>()
  const pageMs: number[] = []
  let cursor: string | undefined = ''
  const startedAt = performance.now()
  for (let page = 0; page < options.maxPages; page++) {
    const paging = options.mode === 'cursor' ? `cursor=${encodeURIComponent(cursor ?? '')}` : `startIndex=${page * options.pageSize + 1}`
    const request: BenchRequest = { method: 'GET', path: `${SCIM_BASE_PATH}/Users?${paging}&count=${options.pageSize}&excludedAttributes=groups` }
    const answer = await client.send(request, 30_000)
    const resources = bodyField(answer, 'Resources')
    if (answer.status !== 200 || !Array.isArray(resources)) throw new Error(`export (${options.mode}): ${describeAnswer(request, answer)}`)
    pageMs.push(answer.elapsedMs)
    for (const resource of resources as Array<{ id?: unknown }>) {
      if (typeof resource.id !== 'string' || seen.has(resource.id)) throw new Error(`export (${options.mode}): user ${String(resource.id)} came twice or without an id`)
      seen.add(resource.id)
    }
    cursor = options.mode === 'cursor' ? (bodyField(answer, 'nextCursor') as string | undefined) : undefined
    const done = options.mode === 'cursor' ? cursor === undefined : resources.length < options.pageSize || seen.size >= options.expectedUsers
    if (done) break
  }
  const seconds = (performance.now() - startedAt) / 1000
  if (seen.size !== options.expectedUsers) throw new Error(`export (${options.mode}) read ${seen.size} users, expected ${options.expectedUsers}`)
  const tenth = Math.max(1, Math.floor(pageMs.length / 10))
  return {
    mode: options.mode,
    users: seen.size,
    pages: pageMs.length,
    seconds,
    usersPerSecond: seconds > 0 ? seen.size / seconds : 0,
    firstPagesMedianMs: median(pageMs.slice(0, tenth)),
    lastPagesMedianMs: median(pageMs.slice(-tenth)),
  }
}
