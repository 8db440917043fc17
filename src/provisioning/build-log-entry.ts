import type { ResourceType } from '../directory/write-observer.js'
import { BASE32_ALPHABET, randomBase32 } from '../lib/ids.js'
import { isoTime } from '../lib/iso-time.js'
import { diffDocuments } from './diff-documents.js'
import { summarizeMembership } from './membership-summary.js'
import { operationOf } from './operation-of.js'
import { boundedText, scrubText, withoutNul } from './redact.js'
import type { RequestCollector } from './request-collector.js'
import type { ProvisioningLogEntry } from './types.js'

/** Two base32 characters for each value of 10 bits: the low part of a log id in two lookups. */
const PAIRS = Array.from({ length: 1024 }, (_, n) => `${BASE32_ALPHABET[n >> 5]}${BASE32_ALPHABET[n & 31]}`)
/** `log_`, 12 random characters drawn once per process, then the high part of the counter (below). */
let logIdStem = ''
/** The stem and the counter's high part (8 characters), for the counter's current run of 2^20 values. */
let logIdPrefix = ''
let logIdHigh = -1
/** Starts at a random point, so that a restarted process does not begin its ids where the last one began. */
let logIdCounter = Math.floor(Math.random() * 2 ** 40)

/**
 * `log_` + 24 base32 characters: 12 random ones drawn once per process, then a counter (12). An entry id is shown,
 * never looked up or unique-indexed (rows are keyed by seq), so it needs to be distinct, not unguessable; two
 * processes share a stem with odds of 2^-60. Made per request, a random id cost ~1.5 µs of a ~150 µs lookup inside the
 * server (a Buffer decode each); this costs two array reads and a concatenation (the high part is encoded again once every 2^20 ids).
 */
export function newLogId(): string {
  const n = logIdCounter++
  const high = Math.floor(n / 2 ** 20)
  if (high !== logIdHigh) {
    let text = ''
    for (let rest = high, i = 0; i < 8; i++, rest = Math.floor(rest / 32)) text = BASE32_ALPHABET[rest % 32] + text
    if (logIdHigh === -1) logIdStem = `log_${randomBase32(12)}`
    logIdHigh = high
    logIdPrefix = `${logIdStem}${text}`
  }
  const low = n - high * 2 ** 20
  return `${logIdPrefix}${PAIRS[low >> 10]}${PAIRS[low & 1023]}`
}

/** What the HTTP surface knows about a finished request (no headers, no body beyond a name: nothing secret). */
export interface RequestFacts {
  orgId: string
  /** When the request arrived. */
  time: Date
  requestId: string
  tokenId: string | null
  userAgent: string | undefined
  method: string
  /** URL path and query, relative to the Tenant URL or absolute. */
  path: string
  /** From the route: /Users… → User, /Groups… → Group. */
  resourceType: ResourceType | null
  /** The `:id` of the route, if any. */
  resourceId: string | null
  /** userName / displayName the request body carried, for failed creates that never got an id. */
  requestedName: string | null
  status: number
  scimType: string | null
  detail: string | null
  durationMs: number
}

/** The last client string and what it became: a client sends the same User-Agent on every request. */
let lastClient: { raw: string | undefined; bounded: string | null } = { raw: undefined, bounded: null }
function boundedClient(userAgent: string | undefined): string | null {
  if (userAgent !== lastClient.raw) lastClient = { raw: userAgent, bounded: boundedText(userAgent, 200) }
  return lastClient.bounded
}

/** One log entry from a request's facts and what its writes reported. Pure apart from the random id. */
export function buildLogEntry(facts: RequestFacts, collected: RequestCollector | undefined): ProvisioningLogEntry {
  const change = collected?.changes[0]
  // A delete is a tombstone (id, name, time, token): the deleted document itself is not copied into the log.
  const changes = change && change.after !== null ? diffDocuments(change.before, change.after) : []
  const membership = summarizeMembership(change?.membership)
  return {
    id: newLogId(),
    orgId: facts.orgId,
    time: isoTime(facts.time.getTime()),
    requestId: boundedText(facts.requestId, 100) ?? '',
    tokenId: facts.tokenId,
    client: boundedClient(facts.userAgent),
    method: facts.method,
    path: boundedText(facts.path, 1000) ?? '',
    resourceType: change?.resourceType ?? facts.resourceType,
    resourceId: boundedText(change?.resourceId ?? facts.resourceId, 200),
    userName: boundedText(change?.name ?? facts.requestedName, 300),
    status: facts.status,
    outcome: facts.status >= 400 ? 'failure' : 'success',
    scimType: boundedText(facts.scimType, 50),
    detail: boundedText(facts.detail, 2000),
    // Finite, always: JSON (PostgreSQL's batch insert) has no NaN.
    durationMs: Number.isFinite(facts.durationMs) ? Math.round(facts.durationMs * 100) / 100 : 0,
    // Changes are reported after commit, so a change that a later failure (a 500 while rendering) followed still happened.
    operation: operationOf(change, changes, membership),
    // A note may quote a client's attribute name: the search text copies it as it is, so NUL goes here too.
    notes: (collected?.notes ?? []).map((note) => scrubText(withoutNul(note)).slice(0, 500)),
    changes,
    membership,
  }
}
