import { observerOf } from './provisioning-log-hooks.js'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DirectoryGroup } from '../../directory/types.js'
import { parseListQuery, type ListQueryParameters } from '../../scim/list-query.js'
import { isExcluded, parseProjection, projectResource, type Projection } from '../../scim/projection.js'
import { groupResourceSchema } from '../../scim/schemas/resource-schemas.js'
import {
  groupJsonChunks,
  isComplete,
  listJsonChunks,
  loadMemberPage,
  MEMBER_PAGE_SIZE,
  memberRenderer,
  toPlainObject,
  type GroupBody,
  type MemberPageSource,
  type MemberRenderer,
} from './group-members-json.js'
import { systemClock } from '../../lib/clock.js'
import { ListPaging } from './list-paging.js'
import { SCIM_MEDIA_TYPE } from './media-type.js'
import { etagOf, isNotModified, parseEntityTags, toScimGroup } from './representation.js'
import type { ScimContext } from './scim-context.js'
import { searchRequestQuery } from './search-request.js'
import { stringParam } from './query-params.js'

type IdParams = { Params: { id: string } }
type Query = Record<string, unknown>

/**
 * /Groups (RFC 7644 §3.3–§3.6, field guide §1.8). Members are loaded only when the projection keeps them
 * (`excludedAttributes=members` costs the same for any group size) and are streamed by keyset pages when a group has
 * more than one page of them.
 */
export function registerGroupRoutes(app: FastifyInstance, context: ScimContext): void {
  const { groups, baseUrl } = context

  const projectionOf = (query: Query): Projection =>
    parseProjection(stringParam(query, 'attributes'), stringParam(query, 'excludedAttributes'))

  /**
   * The projected group and, when the projection keeps members, their source; the first page is fetched ahead when
   * `prefetch` (so small groups go out as one plain object and a failing query is still a clean error response).
   */
  async function bodyOf(orgId: string, group: DirectoryGroup, projection: Projection, render: MemberRenderer, prefetch: boolean): Promise<GroupBody> {
    const resource = projectResource(toScimGroup(group, baseUrl), groupResourceSchema, projection)
    if (isExcluded(projection, groupResourceSchema, 'members')) return { resource }
    const source: MemberPageSource = (page) => groups.members(orgId, group.id, page)
    return { resource, members: prefetch ? { source, firstPage: await loadMemberPage(source, render) } : { source } }
  }

  async function sendOne(request: FastifyRequest, reply: FastifyReply, group: DirectoryGroup, status: number, projection: Projection) {
    const render = memberRenderer(baseUrl, projection)
    const body = await bodyOf(request.orgId, group, projection, render, true)
    reply.code(status).type(SCIM_MEDIA_TYPE).header('etag', etagOf(group.version))
    if (status === 201) reply.header('location', `${baseUrl}/Groups/${group.id}`)
    return reply.send(isComplete(body) ? toPlainObject(body) : Readable.from(groupJsonChunks(body, render)))
  }

  async function sendList(request: FastifyRequest, reply: FastifyReply, query: ListQueryParameters) {
    const paging = new ListPaging(request.orgId, 'Group', query, (context.clock ?? systemClock).now().getTime())
    const page = await groups.list(request.orgId, paging.query)
    const render = memberRenderer(baseUrl, query.projection)
    // Members are fetched ahead for one page's worth in total; beyond that they stream, so a list of many big groups
    // never holds more than a page of members in memory.
    const bodies: GroupBody[] = []
    let prefetchBudget = MEMBER_PAGE_SIZE
    for (const group of page.items) {
      const body = await bodyOf(request.orgId, group, query.projection, render, prefetchBudget > 0)
      if (body.members?.firstPage) prefetchBudget -= body.members.firstPage.members.length
      bodies.push(body)
    }
    reply.type(SCIM_MEDIA_TYPE)
    if (bodies.every(isComplete)) return reply.send(paging.response(page, bodies.map(toPlainObject)))
    // Built with the bodies so itemsPerPage is right; listJsonChunks writes Resources itself.
    const envelope = paging.response(page, bodies)
    return reply.send(Readable.from(listJsonChunks(envelope, bodies, render)))
  }

  const listOptions = { defaultCount: context.defaultPageSize, maxCount: context.maxPageSize }

  app.get('/Groups', (request, reply) => sendList(request, reply, parseListQuery(request.query as Query, listOptions)))

  app.post('/Groups/.search', (request, reply) =>
    sendList(request, reply, parseListQuery(searchRequestQuery(request.body), listOptions)),
  )

  // Writes parse the projection first: a bad `attributes` must be a 400 before anything is written.
  app.post('/Groups', async (request, reply) => {
    const projection = projectionOf(request.query as Query)
    return sendOne(request, reply, await groups.create(request.orgId, request.body, observerOf(request)), 201, projection)
  })

  app.get<IdParams>('/Groups/:id', async (request, reply) => {
    const projection = projectionOf(request.query as Query)
    const group = await groups.get(request.orgId, request.params.id)
    if (isNotModified(request.headers['if-none-match'], group.version)) return reply.code(304).header('etag', etagOf(group.version)).send()
    return sendOne(request, reply, group, 200, projection)
  })

  app.put<IdParams>('/Groups/:id', async (request, reply) => {
    const projection = projectionOf(request.query as Query)
    const group = await groups.replace(request.orgId, request.params.id, request.body, parseEntityTags(request.headers['if-match']), observerOf(request))
    return sendOne(request, reply, group, 200, projection)
  })

  // Entra expects 204 and must not get member lists back (field guide §1.8); the resource only when asked for.
  app.patch<IdParams>('/Groups/:id', async (request, reply) => {
    const query = request.query as Query
    const wantsResource = stringParam(query, 'attributes') !== undefined || stringParam(query, 'excludedAttributes') !== undefined
    const projection = projectionOf(query)
    const group = await groups.patch(request.orgId, request.params.id, request.body, parseEntityTags(request.headers['if-match']), observerOf(request))
    if (wantsResource) return sendOne(request, reply, group, 200, projection)
    return reply.code(204).header('etag', etagOf(group.version)).send()
  })

  app.delete<IdParams>('/Groups/:id', async (request, reply) => {
    await groups.delete(request.orgId, request.params.id, parseEntityTags(request.headers['if-match']), observerOf(request))
    return reply.code(204).send()
  })
}
