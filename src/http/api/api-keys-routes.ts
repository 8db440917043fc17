import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { ApiKey, IssuedApiKey } from './member-schemas.js'
import { decodeCursor, DEFAULT_LIMIT, encodeCursor, Page, PageQuery } from './paging.js'
import { OrgParams, problemResponses } from './schemas.js'

const KeyParams = Type.Object({ orgId: OrgParams.properties.orgId, keyId: Type.String({ maxLength: 64, description: 'API key id (key_…)' }) })

/** An organization's own API keys (platform keys stay with the CLI): create (the key in that one response), list, revoke. */
export function registerApiKeyRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['API keys']

  app.get('/organizations/:orgId/api-keys', {
    schema: { tags, summary: "List the organization's API keys (never the secrets)", params: OrgParams, querystring: PageQuery, response: { 200: Page(ApiKey), ...problemResponses(404) } },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterId = after === undefined ? undefined : decodeCursor<string>(after, 'key', 'string')
    // An organization holds a handful of keys: listed whole and paged here, in id order.
    const keys = (await services.apiKeys.list(orgId)).sort((a, b) => (a.id < b.id ? -1 : 1)).filter((k) => afterId === undefined || k.id > afterId)
    const data = keys.slice(0, limit)
    const next = keys.length > limit ? encodeCursor('key', data[data.length - 1]!.id) : null
    return { data: data.map((k) => ({ object: 'api_key' as const, id: k.id, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt })), next }
  })

  app.post('/organizations/:orgId/api-keys', {
    schema: { tags, summary: 'Create an organization API key; the key is in this response only', params: OrgParams, response: { 201: IssuedApiKey, ...problemResponses(404) } },
  }, async (request, reply) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const issued = await services.apiKeys.create(orgId)
    return reply.code(201).send({ object: 'api_key' as const, id: issued.record.id, key: issued.key, createdAt: issued.record.createdAt })
  })

  app.delete('/organizations/:orgId/api-keys/:keyId', {
    schema: { tags, summary: 'Revoke an API key of the organization (refused from the next request on)', params: KeyParams, response: { 204: Type.Null(), ...problemResponses(404) } },
  }, async (request, reply) => {
    const { orgId, keyId } = request.params
    await requireOrg(services, request, orgId)
    await services.apiKeys.revoke(keyId, orgId)
    return reply.code(204).send(null)
  })
}
