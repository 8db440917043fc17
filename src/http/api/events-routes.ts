import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { eventJson } from '../../events/feed.js'
import type { RosterEvent } from '../../events/types.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { decodeCursor, DEFAULT_LIMIT, encodeCursor, PageQuery } from './paging.js'
import { assertPlatform } from './principal.js'
import { Event, OrgParams, problemResponses } from './schemas.js'

const Feed = Type.Object({
  data: Type.Array(Event),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'Where to resume: store it and pass it as `after` next time (also when `data` is empty). Null only before any event exists.',
  }),
})

/**
 * The event feed. Unlike other lists, `next` is never "the end": it is the consumer's position, to be stored and
 * polled with, so a consumer sees every event exactly once, in order, across restarts.
 */
export function registerEventRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Events']
  const feedOf = (events: RosterEvent[], after: string | undefined, cursorOf: (e: RosterEvent) => string) => ({
    data: events.map(eventJson),
    next: events.length ? cursorOf(events[events.length - 1]!) : (after ?? null),
  })

  app.get('/organizations/:orgId/events', {
    schema: { tags, summary: "An organization's events, in order", params: OrgParams, querystring: PageQuery, response: { 200: Feed, ...problemResponses(404, 410) } },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterSeq = after === undefined ? undefined : decodeCursor<number>(after, 'evo', 'number')
    const events = await services.events.organization(orgId, afterSeq, limit)
    return feedOf(events, after, (e) => encodeCursor('evo', e.sequence))
  })

  app.get('/events', {
    schema: { tags, summary: "Every organization's events, in commit order (platform key)", querystring: PageQuery, response: { 200: Feed, ...problemResponses(403, 410) } },
  }, async (request) => {
    assertPlatform(request, 'The platform event feed')
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterPosition = after === undefined ? undefined : decodeCursor<number>(after, 'evp', 'number')
    const events = await services.events.platform(afterPosition, limit)
    return feedOf(events, after, (e) => encodeCursor('evp', e.position))
  })
}
