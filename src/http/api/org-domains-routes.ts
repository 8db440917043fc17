import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { NewOrgDomain, OrgDomain, orgDomainJson } from './oidc-schemas.js'
import { OrgParams, problemResponses } from './schemas.js'

const DomainParams = Type.Object({ orgId: OrgParams.properties.orgId, domainId: Type.String({ maxLength: 64, description: 'Domain claim id (dom_…)' }) })

/**
 * An organization's claimed email domains (OpenID Connect `login_hint` routing): add (Roster shows the TXT value),
 * verify (Roster looks the record up in DNS), list, remove.
 */
export function registerOrgDomainRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Organization domains']

  app.get('/organizations/:orgId/domains', {
    schema: { tags, summary: "The organization's claimed domains", params: OrgParams, response: { 200: Type.Object({ data: Type.Array(OrgDomain) }), ...problemResponses(404) } },
  }, async (request) => {
    await requireOrg(services, request, request.params.orgId)
    return { data: (await services.orgDomains.list(request.params.orgId)).map(orgDomainJson) }
  })

  app.post('/organizations/:orgId/domains', {
    schema: { tags, summary: 'Claim a domain; publish the returned TXT value, then verify', params: OrgParams, body: NewOrgDomain, response: { 201: OrgDomain, ...problemResponses(404) } },
  }, async (request, reply) => {
    await requireOrg(services, request, request.params.orgId)
    return reply.code(201).send(orgDomainJson(await services.orgDomains.add(request.params.orgId, request.body.domain)))
  })

  app.post('/organizations/:orgId/domains/:domainId/verify', {
    schema: { tags, summary: 'Look up the TXT record now; 400 when it is not there yet, 409 when another organization verified the domain', params: DomainParams, response: { 200: OrgDomain, ...problemResponses(404, 409) } },
  }, async (request) => {
    await requireOrg(services, request, request.params.orgId)
    return orgDomainJson(await services.orgDomains.verify(request.params.orgId, request.params.domainId))
  })

  app.delete('/organizations/:orgId/domains/:domainId', {
    schema: { tags, summary: 'Remove a domain claim', params: DomainParams, response: { 204: Type.Null(), ...problemResponses(404) } },
  }, async (request, reply) => {
    await requireOrg(services, request, request.params.orgId)
    await services.orgDomains.remove(request.params.orgId, request.params.domainId)
    return reply.code(204).send(null)
  })
}
