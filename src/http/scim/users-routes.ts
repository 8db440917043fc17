import { observerOf } from './provisioning-log-hooks.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DirectoryUser, UserGroupRef } from '../../directory/types.js'
import { stringParam } from './query-params.js'
import { parseListQuery, type ListQueryParameters } from '../../scim/list-query.js'
import { isExcluded, parseProjection, projectResource, type Projection } from '../../scim/projection.js'
import { userResourceSchema } from '../../scim/schemas/resource-schemas.js'
import { systemClock } from '../../lib/clock.js'
import { ListPaging } from './list-paging.js'
import { SCIM_MEDIA_TYPE } from './media-type.js'
import { alignTopLevelRole, etagOf, isNotModified, parseEntityTags, toScimUser } from './representation.js'
import type { ScimContext } from './scim-context.js'
import { searchRequestQuery } from './search-request.js'

type IdParams = { Params: { id: string } }
type Query = Record<string, unknown>

/** /Users (RFC 7644 §3.3–§3.6). */
export function registerUserRoutes(app: FastifyInstance, context: ScimContext): void {
  const { users, baseUrl } = context

  const projectionOf = (query: Query): Projection =>
    parseProjection(stringParam(query, 'attributes'), stringParam(query, 'excludedAttributes'))

  const showsGroups = (projection: Projection): boolean => !isExcluded(projection, userResourceSchema, 'groups')

  /**
   * Renders users with their groups, loading groups only when the projection keeps them (and they may exist) and the
   * read did not bring them already (`known`).
   */
  async function render(
    orgId: string,
    list: DirectoryUser[],
    projection: Projection,
    isNew = false,
    known?: Map<string, UserGroupRef[]>,
  ): Promise<Record<string, unknown>[]> {
    // A user created by this request has a new random id, so no group can list it yet: no query needed.
    const groups = isNew || !showsGroups(projection)
      ? new Map<string, UserGroupRef[]>()
      : (known ?? (await users.groupsOf(orgId, list.map((u) => u.id))))
    return list.map((user) =>
      alignTopLevelRole(projectResource(toScimUser(user, groups.get(user.id), baseUrl), userResourceSchema, projection)),
    )
  }

  /** `projection`: the handler's, when it parsed it already (it decides whether the read brings the groups). */
  async function sendOne(
    request: FastifyRequest,
    reply: FastifyReply,
    user: DirectoryUser,
    status: number,
    shown: { projection: Projection; groups?: UserGroupRef[] } = { projection: projectionOf(request.query as Query) },
  ) {
    const known = shown.groups === undefined ? undefined : new Map([[user.id, shown.groups]])
    const [body] = await render(request.orgId, [user], shown.projection, status === 201, known)
    reply.code(status).type(SCIM_MEDIA_TYPE).header('etag', etagOf(user.version))
    if (status === 201) reply.header('location', `${baseUrl}/Users/${user.id}`)
    return reply.send(body)
  }

  async function sendList(request: FastifyRequest, reply: FastifyReply, query: ListQueryParameters) {
    const paging = new ListPaging(request.orgId, 'User', query, (context.clock ?? systemClock).now().getTime())
    const page = await users.list(request.orgId, paging.query, { withGroups: showsGroups(query.projection) })
    const resources = await render(request.orgId, page.items, query.projection, false, page.groups)
    return reply.type(SCIM_MEDIA_TYPE).send(paging.response(page, resources))
  }

  const listOptions = { defaultCount: context.defaultPageSize, maxCount: context.maxPageSize }

  app.get('/Users', (request, reply) => sendList(request, reply, parseListQuery(request.query as Query, listOptions)))

  app.post('/Users/.search', (request, reply) =>
    sendList(request, reply, parseListQuery(searchRequestQuery(request.body), listOptions)),
  )

  app.post('/Users', async (request, reply) => sendOne(request, reply, await users.create(request.orgId, request.body, observerOf(request)), 201))

  app.get<IdParams>('/Users/:id', async (request, reply) => {
    // Groups shown: the user and its groups in one read (one round trip on PostgreSQL).
    const projection = projectionOf(request.query as Query)
    const { user, groups } = showsGroups(projection)
      ? await users.getWithGroups(request.orgId, request.params.id)
      : { user: await users.get(request.orgId, request.params.id), groups: undefined }
    if (isNotModified(request.headers['if-none-match'], user.version)) return reply.code(304).header('etag', etagOf(user.version)).send()
    return sendOne(request, reply, user, 200, { projection, groups })
  })

  app.put<IdParams>('/Users/:id', async (request, reply) => {
    const args = [request.orgId, request.params.id, request.body, parseEntityTags(request.headers['if-match']), observerOf(request)] as const
    // Groups shown: read with the row the write locks, not after the commit (one round trip fewer on PostgreSQL). The
    // projection is parsed first, so a bad one is refused before anything is written.
    const projection = projectionOf(request.query as Query)
    const { user, groups } = showsGroups(projection) ? await users.replaceWithGroups(...args) : { user: await users.replace(...args) }
    return sendOne(request, reply, user, 200, { projection, groups })
  })

  // RFC 7644 §3.5.2 allows 200 with the resource or 204; Entra's documented example answers 200 with the user.
  app.patch<IdParams>('/Users/:id', async (request, reply) => {
    const args = [request.orgId, request.params.id, request.body, parseEntityTags(request.headers['if-match']), observerOf(request)] as const
    const projection = projectionOf(request.query as Query)
    const { user, groups } = showsGroups(projection) ? await users.patchWithGroups(...args) : { user: await users.patch(...args) }
    return sendOne(request, reply, user, 200, { projection, groups })
  })

  app.delete<IdParams>('/Users/:id', async (request, reply) => {
    await users.delete(request.orgId, request.params.id, parseEntityTags(request.headers['if-match']), observerOf(request))
    return reply.code(204).send()
  })
}
