import createClient, { type Client } from 'openapi-fetch'
import type { paths } from './v1-paths'

export type ApiClient = Client<paths>

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The console's client of /api/v1, typed from the API's paths (hand-written until the OpenAPI document exists; see
 * v1-paths.ts). The console signs in with its session cookie (same origin), and every state-changing request carries
 * the session's CSRF token, which /api/v1 checks through the console's `checkCsrf`.
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
