import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { viewOfClient } from '../../oidc/oidc-clients.js'
import { typed, type ApiServices } from './api-context.js'
import { IssuedOidcClient, NewOidcClient, OidcClient, oidcClientJson } from './oidc-schemas.js'
import { decodeCursor, DEFAULT_LIMIT, encodeCursor, Page, PageQuery } from './paging.js'
import { assertPlatform } from './principal.js'
import { problemResponses } from './schemas.js'

const ClientParams = Type.Object({ clientId: Type.String({ maxLength: 64, description: 'OIDC client id (rpc_…)' }) })

/** The host product's OpenID Connect clients (platform key): create (the secret in that one response), list, get, delete. */
export function registerOidcClientRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['OpenID Connect clients']
  const what = 'OpenID Connect clients'

  app.post('/oidc-clients', {
    schema: { tags, summary: 'Register an OpenID Connect client; the secret is in this response only (platform key)', body: NewOidcClient, response: { 201: IssuedOidcClient, ...problemResponses(403) } },
  }, async (request, reply) => {
    assertPlatform(request, what)
    const { client, clientSecret } = await services.oidcClients.create(request.body)
    return reply.code(201).send({ ...oidcClientJson(viewOfClient(client)), clientSecret })
  })

  app.get('/oidc-clients', {
    schema: { tags, summary: 'List OpenID Connect clients, never their secrets (platform key)', querystring: PageQuery, response: { 200: Page(OidcClient), ...problemResponses(403) } },
  }, async (request) => {
    assertPlatform(request, what)
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterId = after === undefined ? undefined : decodeCursor<string>(after, 'oidc_client', 'string')
    const clients = (await services.oidcClients.list()).filter((c) => afterId === undefined || c.id > afterId)
    const data = clients.slice(0, limit)
    const next = clients.length > limit ? encodeCursor('oidc_client', data[data.length - 1]!.id) : null
    return { data: data.map((c) => oidcClientJson(viewOfClient(c))), next }
  })

  app.get('/oidc-clients/:clientId', {
    schema: { tags, summary: 'One OpenID Connect client (platform key)', params: ClientParams, response: { 200: OidcClient, ...problemResponses(403, 404) } },
  }, async (request) => {
    assertPlatform(request, what)
    return oidcClientJson(viewOfClient(await services.oidcClients.get(request.params.clientId)))
  })

  app.delete('/oidc-clients/:clientId', {
    schema: { tags, summary: 'Delete an OpenID Connect client: its codes, tokens and sessions end with it (platform key)', params: ClientParams, response: { 204: Type.Null(), ...problemResponses(403, 404) } },
  }, async (request, reply) => {
    assertPlatform(request, what)
    await services.oidcClients.remove(request.params.clientId)
    return reply.code(204).send(null)
  })
}
