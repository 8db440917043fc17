import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { groupResource } from '../../directory/group-resource.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { decodeCursor, DEFAULT_LIMIT, encodeCursor, keysetPage, Page, PageQuery } from './paging.js'
import { Group, GroupMember, OrgParams, problemResponses } from './schemas.js'

const GroupParams = Type.Object({ orgId: OrgParams.properties.orgId, groupId: Type.String({ maxLength: 64, description: 'Group id (grp_…)' }) })

/** Groups as the directory provisioned them (read-only here: SCIM owns them), with their members paged. */
export function registerGroupRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Groups']

  // The directory's not-found is a ScimError; the error handler turns it into a 404 problem.
  const findGroup = (orgId: string, groupId: string) => services.groups.get(orgId, groupId)

  app.get('/organizations/:orgId/groups', {
    schema: { tags, summary: "List an organization's groups", params: OrgParams, querystring: PageQuery, response: { 200: Page(Group), ...problemResponses(404) } },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterId = after === undefined ? undefined : decodeCursor<string>(after, 'grp', 'string')
    const page = await keysetPage(limit, (n) => services.groups.page(orgId, { afterId, limit: n }), (group) => encodeCursor('grp', group.id))
    return { data: page.data.map(groupResource), next: page.next }
  })

  app.get('/organizations/:orgId/groups/:groupId', {
    schema: { tags, summary: 'Get a group', params: GroupParams, response: { 200: Group, ...problemResponses(404) } },
  }, async (request) => {
    const { orgId, groupId } = request.params
    await requireOrg(services, request, orgId)
    return groupResource(await findGroup(orgId, groupId))
  })

  app.get('/organizations/:orgId/groups/:groupId/members', {
    schema: { tags, summary: "A group's members, paged", params: GroupParams, querystring: PageQuery, response: { 200: Page(GroupMember), ...problemResponses(404) } },
  }, async (request) => {
    const { orgId, groupId } = request.params
    await requireOrg(services, request, orgId)
    await findGroup(orgId, groupId)
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterUserId = after === undefined ? undefined : decodeCursor<string>(after, 'gm', 'string')
    const page = await keysetPage(limit, (n) => services.groups.members(orgId, groupId, { afterUserId, limit: n }), (m) => encodeCursor('gm', m.userId))
    return { data: page.data.map((m) => ({ object: 'group_member' as const, memberId: m.userId, display: m.display })), next: page.next }
  })
}
