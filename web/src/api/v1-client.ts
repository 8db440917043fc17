import createClient, { type Client } from 'openapi-fetch'
import type { paths as Contract } from './v1-contract'
import type { paths as Served } from './v1-schema'

/**
 * What the console calls: the routes the server's own OpenAPI document describes (generated into v1-schema.d.ts by
 * `npm run api:types`), plus the wave-2 contract's routes the document does not describe yet (v1-contract.ts).
 */
export type paths = Omit<Served, keyof Contract> & Contract
export type ApiClient = Client<paths>

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never
/** The JSON body of a 200/201 answer of `method` on `path`, from the generated document. */
export type ServedBody<P extends keyof Served, M extends 'get' | 'post' | 'patch', S extends 200 | 201 = 200> =
  Served[P][M] extends { responses: infer R } ? (S extends keyof R ? JsonOf<R[S]> : never) : never

export type ScimToken = ServedBody<'/organizations/{orgId}/scim-tokens', 'get'>['data'][number]
export type CreatedScimToken = ServedBody<'/organizations/{orgId}/scim-tokens', 'post', 201>
export type WebhookEndpoint = ServedBody<'/organizations/{orgId}/webhooks', 'get'>['data'][number]
export type WebhookDelivery = ServedBody<'/organizations/{orgId}/webhooks/{webhookId}/deliveries', 'get'>['data'][number]

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The console's client of /api/v1. The console signs in with its session cookie (same origin), and every
 * state-changing request carries the session's CSRF token, which /api/v1 checks through the console's `checkCsrf`.
 */
export function createApiClient(csrfToken: string): ApiClient {
  const client = createClient<paths>({ baseUrl: '/api/v1', credentials: 'same-origin' })
  client.use({
    onRequest({ request }) {
      if (!SAFE.has(request.method)) request.headers.set('x-csrf-token', csrfToken)
      return request
    },
  })
  return client
}
