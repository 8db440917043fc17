import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { ScimTokenSummary } from '../../orgs/scim-tokens.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { Page } from './paging.js'
import { OrgParams, problemResponses, ScimToken, Timestamp } from './schemas.js'

const tokenJson = (token: ScimTokenSummary) => ({ object: 'scim_token' as const, ...token })
const TokenParams = Type.Object({ orgId: OrgParams.properties.orgId, tokenId: Type.String({ maxLength: 64 }) })

/** An organization's SCIM tokens: what its IT admin pastes into Entra. The secret is in the create response only. */
export function registerScimTokenRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['SCIM tokens']

  app.post('/organizations/:orgId/scim-tokens', {
    schema: {
      tags,
      summary: 'Create a SCIM token (the secret is in this response only)',
      params: OrgParams,
      response: {
        201: Type.Object({
          object: Type.Literal('scim_token'),
          id: Type.String(),
          token: Type.String({ description: 'Paste into Entra\'s Secret Token field; shown only now' }),
          createdAt: Timestamp,
        }),
        ...problemResponses(404, 409),
      },
    },
  }, async (request, reply) => {
    await requireOrg(services, request, request.params.orgId)
    const issued = await services.scimTokens.issue(request.params.orgId)
    return reply.code(201).send({ object: 'scim_token' as const, id: issued.record.id, token: issued.token, createdAt: issued.record.createdAt })
  })

  app.get('/organizations/:orgId/scim-tokens', {
    schema: { tags, summary: 'List SCIM tokens (never their secrets)', params: OrgParams, response: { 200: Page(ScimToken), ...problemResponses(404) } },
  }, async (request) => {
    await requireOrg(services, request, request.params.orgId)
    // At most two active tokens plus the revoked ones: one page.
    return { data: (await services.scimTokens.list(request.params.orgId)).map(tokenJson), next: null }
  })

  app.post('/organizations/:orgId/scim-tokens/:tokenId/revoke', {
    schema: { tags, summary: 'Revoke a SCIM token: requests with it get 401 at once', params: TokenParams, response: { 200: ScimToken, ...problemResponses(404) } },
  }, async (request) => {
    const { orgId, tokenId } = request.params
    await requireOrg(services, request, orgId)
    await services.scimTokens.revoke(orgId, tokenId)
    const token = (await services.scimTokens.list(orgId)).find((t) => t.id === tokenId)!
    return tokenJson(token)
  })
}
