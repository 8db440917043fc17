import { Type } from 'typebox'
import type { Organization as OrganizationRecord } from '../../orgs/types.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { decodeCursor, encodeCursor, keysetPage, Page, PageQuery, DEFAULT_LIMIT } from './paging.js'
import { assertPlatform } from './principal.js'
import { Organization, OrgParams, problemResponses } from './schemas.js'
import type { FastifyInstance } from 'fastify'

const organizationJson = (org: OrganizationRecord) => ({ object: 'organization' as const, id: org.id, name: org.name, createdAt: org.createdAt })
const Name = Type.String({ minLength: 1, maxLength: 200, description: 'Shown to the organization\'s people' })

/** /organizations: the collection needs a platform key; one organization is readable by its own keys too. */
export function registerOrganizationRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Organizations']

  app.post('/organizations', {
    schema: {
      tags,
      summary: 'Create an organization (platform key)',
      body: Type.Object({ name: Name }, { additionalProperties: false }),
      response: { 201: Organization, ...problemResponses(403) },
    },
  }, async (request, reply) => {
    assertPlatform(request, 'Creating an organization')
    const org = await services.organizations.create(request.body.name)
    return reply.code(201).send(organizationJson(org))
  })

  app.get('/organizations', {
    schema: { tags, summary: 'List organizations (platform key)', querystring: PageQuery, response: { 200: Page(Organization), ...problemResponses(403) } },
  }, async (request) => {
    assertPlatform(request, 'Listing organizations')
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterId = after === undefined ? undefined : decodeCursor<string>(after, 'org', 'string')
    const page = await keysetPage(limit, (n) => services.organizations.page({ afterId, limit: n }), (org) => encodeCursor('org', org.id))
    return { data: page.data.map(organizationJson), next: page.next }
  })

  app.get('/organizations/:orgId', {
    schema: { tags, summary: 'Get an organization', params: OrgParams, response: { 200: Organization, ...problemResponses(404) } },
  }, async (request) => organizationJson(await requireOrg(services, request, request.params.orgId)))

  app.patch('/organizations/:orgId', {
    schema: {
      tags,
      summary: 'Rename an organization',
      params: OrgParams,
      body: Type.Object({ name: Name }, { additionalProperties: false }),
      response: { 200: Organization, ...problemResponses(404) },
    },
  }, async (request) => {
    await requireOrg(services, request, request.params.orgId)
    return organizationJson(await services.organizations.rename(request.params.orgId, request.body.name))
  })

  app.delete('/organizations/:orgId', {
    schema: { tags, summary: 'Delete an organization with everything it holds (platform key)', params: OrgParams, response: { 204: Type.Null(), ...problemResponses(403, 404) } },
  }, async (request, reply) => {
    await requireOrg(services, request, request.params.orgId)
    assertPlatform(request, 'Deleting an organization')
    await services.organizations.delete(request.params.orgId)
    return reply.code(204).send(null)
  })

}
