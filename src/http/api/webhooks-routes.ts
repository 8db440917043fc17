import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type TObject } from 'typebox'
import { EVENT_TYPES } from '../../events/types.js'
import type { WebhookDelivery as DeliveryRecord, WebhookEndpoint as EndpointRecord } from '../../events/webhooks/types.js'
import type { Webhooks } from '../../events/webhooks/webhooks.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { decodeCursor, DEFAULT_LIMIT, encodeCursor, keysetPage, Page, PageQuery } from './paging.js'
import { assertPlatform } from './principal.js'
import { OrgParams, problemResponses, Timestamp, WebhookDelivery, WebhookEndpoint } from './schemas.js'

const endpointJson = (e: EndpointRecord) => ({
  object: 'webhook_endpoint' as const,
  id: e.id,
  organization: e.orgId,
  url: e.url,
  eventTypes: e.eventTypes,
  status: e.status,
  nextAttemptAt: e.nextAttemptAt,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
})

const deliveryJson = (d: DeliveryRecord) => ({
  object: 'webhook_delivery' as const,
  id: d.id,
  endpoint: d.endpointId,
  event: d.eventId,
  eventType: d.eventType,
  status: d.status,
  replay: d.replay,
  attempts: d.attempts,
  lastResponseCode: d.lastResponseCode,
  lastError: d.lastError,
  nextAttemptAt: d.nextAttemptAt,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
})

const EventTypes = Type.Array(Type.String({ enum: [...EVENT_TYPES] }), { minItems: 1, maxItems: EVENT_TYPES.length, description: 'Omit for every event type' })
const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'https:// (http and private addresses only with WEBHOOK_ALLOW_PRIVATE_URLS=true)' })
const WithSecret = Type.Object({
  object: Type.Literal('webhook_endpoint'),
  id: Type.String(),
  secret: Type.String({ description: 'whsec_…, shown only in this response' }),
  endpoint: WebhookEndpoint,
})

/**
 * Webhook endpoints, twice: an organization's under /organizations/{orgId}/webhooks, and the platform's (every
 * organization's events, platform key) under /webhooks. One definition, so the two cannot drift.
 */
export function registerWebhookRoutes(base: FastifyInstance, services: ApiServices & { webhooks: Webhooks }): void {
  register(base, services, '/organizations/:orgId/webhooks', OrgParams, async (request) => {
    const { orgId } = request.params as { orgId: string }
    await requireOrg(services, request, orgId)
    return orgId
  })
  register(base, services, '/webhooks', Type.Object({}), async (request) => {
    assertPlatform(request, 'Platform webhook endpoints')
    return null
  })
}

function register(base: FastifyInstance, services: { webhooks: Webhooks }, path: string, scopeParams: TObject, scopeOf: (request: FastifyRequest) => Promise<string | null>): void {
  const app = typed(base)
  const tags = ['Webhooks']
  const webhooks = services.webhooks
  const IdParams = Type.Object({ ...scopeParams.properties, webhookId: Type.String({ maxLength: 64, description: 'whk_…' }) })
  const DeliveryParams = Type.Object({ ...IdParams.properties, deliveryId: Type.String({ maxLength: 64, description: 'whd_…' }) })
  const params = Object.keys(scopeParams.properties).length ? { params: scopeParams } : {}
  const problems = path.startsWith('/webhooks') ? [403, 404] : [404]

  app.post(path, {
    schema: {
      tags,
      summary: 'Add a webhook endpoint (its signing secret is in this response only)',
      ...params,
      body: Type.Object({ url: Url, eventTypes: Type.Optional(EventTypes) }, { additionalProperties: false }),
      response: { 201: WithSecret, ...problemResponses(...problems) },
    },
  }, async (request, reply) => {
    const scope = await scopeOf(request)
    const { endpoint, secret } = await webhooks.create(scope, request.body)
    return reply.code(201).send({ object: 'webhook_endpoint' as const, id: endpoint.id, secret, endpoint: endpointJson(endpoint) })
  })

  app.get(path, {
    schema: { tags, summary: 'List webhook endpoints', ...params, querystring: PageQuery, response: { 200: Page(WebhookEndpoint), ...problemResponses(...problems) } },
  }, async (request) => {
    const scope = await scopeOf(request)
    const { limit = DEFAULT_LIMIT, after } = request.query
    const afterId = after === undefined ? undefined : decodeCursor<string>(after, 'whk', 'string')
    const page = await keysetPage(limit, (n) => webhooks.list(scope, { afterId, limit: n }), (e) => encodeCursor('whk', e.id))
    return { data: page.data.map(endpointJson), next: page.next }
  })

  app.get(`${path}/:webhookId`, {
    schema: { tags, summary: 'Get a webhook endpoint', params: IdParams, response: { 200: WebhookEndpoint, ...problemResponses(...problems) } },
  }, async (request) => endpointJson(await webhooks.get(await scopeOf(request), (request.params as { webhookId: string }).webhookId)))

  app.patch(`${path}/:webhookId`, {
    schema: {
      tags,
      summary: "Change a webhook endpoint's URL or event types",
      params: IdParams,
      body: Type.Object({ url: Type.Optional(Url), eventTypes: Type.Optional(Type.Union([EventTypes, Type.Null()])) }, { additionalProperties: false }),
      response: { 200: WebhookEndpoint, ...problemResponses(...problems) },
    },
  }, async (request) => {
    const scope = await scopeOf(request)
    return endpointJson(await webhooks.update(scope, (request.params as { webhookId: string }).webhookId, request.body))
  })

  app.delete(`${path}/:webhookId`, {
    schema: { tags, summary: 'Remove a webhook endpoint and its deliveries', params: IdParams, response: { 204: Type.Null(), ...problemResponses(...problems) } },
  }, async (request, reply) => {
    await webhooks.remove(await scopeOf(request), (request.params as { webhookId: string }).webhookId)
    return reply.code(204).send(null)
  })

  app.post(`${path}/:webhookId/rotate-secret`, {
    schema: {
      tags,
      summary: 'New signing secret; the previous one keeps signing for 24 hours',
      params: IdParams,
      response: { 200: Type.Object({ ...WithSecret.properties, previousSecretExpiresAt: Timestamp }), ...problemResponses(...problems) },
    },
  }, async (request) => {
    const { endpoint, secret } = await webhooks.rotateSecret(await scopeOf(request), (request.params as { webhookId: string }).webhookId)
    return { object: 'webhook_endpoint' as const, id: endpoint.id, secret, endpoint: endpointJson(endpoint), previousSecretExpiresAt: endpoint.previousSecretExpiresAt! }
  })

  app.get(`${path}/:webhookId/deliveries`, {
    schema: { tags, summary: 'Deliveries, newest event first', params: IdParams, querystring: PageQuery, response: { 200: Page(WebhookDelivery), ...problemResponses(...problems) } },
  }, async (request) => {
    const scope = await scopeOf(request)
    const id = (request.params as { webhookId: string }).webhookId
    const { limit = DEFAULT_LIMIT, after } = request.query
    const beforePosition = after === undefined ? undefined : decodeCursor<number>(after, 'whd', 'number')
    const page = await keysetPage(limit, (n) => webhooks.deliveries(scope, id, { beforePosition, limit: n }), (d) => encodeCursor('whd', d.eventPosition))
    return { data: page.data.map(deliveryJson), next: page.next }
  })

  app.post(`${path}/:webhookId/deliveries/:deliveryId/replay`, {
    schema: {
      tags,
      summary: 'Send a delivery again (a failed one resumes its failing endpoint)',
      params: DeliveryParams,
      response: { 200: WebhookDelivery, ...problemResponses(409, ...problems) },
    },
  }, async (request) => {
    const { webhookId, deliveryId } = request.params as { webhookId: string; deliveryId: string }
    return deliveryJson(await webhooks.replay(await scopeOf(request), webhookId, deliveryId))
  })
}
