import type { ClientCredentials } from '../../oidc/tokens.js'
import { OidcError } from '../../oidc/oidc-error.js'

/** RFC 6749 §2.3.1: Basic credentials are the form-urlencoded id and secret, joined by ':' and base64-encoded. */
const formDecode = (text: string): string => decodeURIComponent(text.replace(/\+/g, ' '))

/**
 * The client's credentials from `Authorization: Basic …` (client_secret_basic) or the form's client_id and
 * client_secret (client_secret_post); both at once is refused (RFC 6749 §2.3: one method per request).
 */
export function clientCredentials(authorization: string | undefined, form: Record<string, string | undefined>): ClientCredentials | undefined {
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1]
  if (basic !== undefined) {
    if (form.client_secret !== undefined) throw new OidcError('invalid_request', 'Use one client authentication method: Basic or client_secret in the body, not both.')
    const decoded = Buffer.from(basic, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw new OidcError('invalid_client', 'The Basic credentials are not client_id:client_secret.')
    try {
      const clientId = formDecode(decoded.slice(0, colon))
      if (form.client_id !== undefined && form.client_id !== clientId) throw new OidcError('invalid_request', 'client_id in the body differs from the Basic credentials.')
      return { clientId, clientSecret: formDecode(decoded.slice(colon + 1)) }
    } catch (error) {
      if (error instanceof OidcError) throw error
      throw new OidcError('invalid_client', 'The Basic credentials are not form-urlencoded correctly.')
    }
  }
  if (form.client_id !== undefined && form.client_secret !== undefined) return { clientId: form.client_id, clientSecret: form.client_secret }
  return undefined
}
