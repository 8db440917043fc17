import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ResourceType, WriteObserver } from '../../directory/write-observer.js'
import type { Clock } from '../../lib/clock.js'
import type { RequestFacts } from '../../provisioning/build-log-entry.js'
import type { LogWriter } from '../../provisioning/log-writer.js'
import { operationOf } from '../../provisioning/operation-of.js'
import { RequestCollector } from '../../provisioning/request-collector.js'
import { summarizeMembership } from '../../provisioning/membership-summary.js'
import type { LogOperation } from '../../provisioning/types.js'

export interface ProvisioningLogHooksOptions {
  /** Where entries go; undefined when PROVISIONING_LOG=off (operations are still counted). */
  writer: LogWriter | undefined
  clock: Clock
  /** Told each committed operation whose entry the log does not count itself: no log, or its entry dropped (the operations metric). */
  onOperation(kind: LogOperation): void
}

/** What an error response said, kept between onSend (which sees the body) and onResponse (which records). */
interface RecordedRequest extends RequestCollector {
  failure?: { scimType: string | null; detail: string | null }
}

/**
 * The request's WriteObserver (a RequestCollector), made on first use: only writes report to one, and most SCIM
 * requests are reads, which then allocate nothing for the log until their entry is built.
 */
export function observerOf(request: FastifyRequest): WriteObserver {
  return (request.writeObserver ??= new RequestCollector())
}

/** What operationOf needs to know of an update the domain reported: that it changed something. */
const REPORTED_CHANGE = [{ attribute: '', before: null, after: null }]

const resourceTypeOf = (route: string | undefined): ResourceType | null =>
  route === undefined ? null : /\/users\b/i.test(route) ? 'User' : /\/groups\b/i.test(route) ? 'Group' : null

/** The name a create or replace asked for (a failed create has no id to search by). Never any other body field. */
function requestedName(request: FastifyRequest, type: ResourceType | null): string | null {
  const body = request.body as Record<string, unknown> | undefined
  if (!body || typeof body !== 'object') return null
  const value = type === 'User' ? body.userName : type === 'Group' ? body.displayName : undefined
  return typeof value === 'string' ? value : null
}

function routeId(request: FastifyRequest): string | null {
  const id = (request.params as Record<string, unknown> | undefined)?.id
  return typeof id === 'string' ? id : null
}

function errorOf(payload: unknown): { scimType: string | null; detail: string | null } {
  if (typeof payload !== 'string' || payload.length > 100_000) return { scimType: null, detail: null }
  try {
    const body = JSON.parse(payload) as { scimType?: unknown; detail?: unknown }
    return {
      scimType: typeof body.scimType === 'string' ? body.scimType : null,
      detail: typeof body.detail === 'string' ? body.detail : null,
    }
  } catch {
    return { scimType: null, detail: null }
  }
}

/**
 * The provisioning log's side of the SCIM surface: a collector per request (request.writeObserver, told by the
 * domain what each write changed), and one entry per request, built and queued when the response has gone out.
 * Requests with no organization (no token, or an unknown one) are not recorded: nobody could be shown them, and
 * anyone on the network could fill the table; metrics count them.
 */
export function registerProvisioningLogHooks(app: FastifyInstance, options: ProvisioningLogHooksOptions): void {
  // Callback-style hooks: every SCIM request runs them, and an async hook costs a promise each time.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode >= 400) (observerOf(request) as RecordedRequest).failure = errorOf(payload)
    done(null, payload)
  })

  app.addHook('onResponse', (request, reply, done) => {
    try {
      record(request, reply)
    } catch (error) {
      // Recording must never break a request that has already been answered.
      request.log.warn({ err: error }, 'provisioning log: could not record a request')
    }
    done()
  })

  function record(request: FastifyRequest, reply: FastifyReply): void {
    const collected = request.writeObserver instanceof RequestCollector ? (request.writeObserver as RecordedRequest) : undefined
    request.writeObserver = undefined
    // With the log, the writer counts the operation when it builds the entry (the log's own reading of the diff: a PUT
    // that changed nothing is no update). Otherwise it is counted here.
    if (options.writer && request.orgId && options.writer.enqueueRequest(factsOf(request, reply, collected, request.orgId), collected)) return
    const change = collected?.changes[0]
    // Without the log's entry there is no diff: a reported update is counted as one (the domain reports writes).
    const kind = operationOf(change, REPORTED_CHANGE, summarizeMembership(change?.membership))
    if (kind) options.onOperation(kind)
  }

  function factsOf(request: FastifyRequest, reply: FastifyReply, collected: RecordedRequest | undefined, orgId: string): RequestFacts {
    const route = request.routeOptions.url
    const resourceType = resourceTypeOf(route)
    const elapsed = reply.elapsedTime
    return {
      orgId,
      // When it arrived: now (the clock's, so that tests can move it) less what answering took. Rounded up: the
      // clock has whole milliseconds, so rounding down could date a request before a moment taken just before it.
      time: new Date(Math.ceil(options.clock.now().getTime() - elapsed)),
      requestId: request.id,
      tokenId: request.scimTokenId || null,
      userAgent: request.headers['user-agent'],
      method: request.method,
      path: request.url,
      resourceType,
      resourceId: routeId(request),
      requestedName: requestedName(request, resourceType),
      status: reply.statusCode,
      scimType: collected?.failure?.scimType ?? null,
      detail: collected?.failure?.detail ?? null,
      durationMs: elapsed,
    }
  }
}
