import type { FastifyRequest } from 'fastify'
import type { ScimTokens } from '../../orgs/scim-tokens.js'
import type { WriteObserver } from '../../directory/write-observer.js'
import { ScimError } from '../../scim/errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The organization the request's SCIM token belongs to; set by the auth hook of the SCIM surface. */
    orgId: string
    /** The id (`tok_…`) of the request's SCIM token, never the token; set by the auth hook. */
    scimTokenId: string
    /** Told what this request's writes changed (the provisioning log's collector); undefined when nothing listens. */
    writeObserver: WriteObserver | undefined
  }
}

/**
 * `Authorization: Bearer <token>` → request.orgId. The token alone names the organization (seed document: one
 * Tenant URL for every customer). Never logs the token.
 */
export function bearerAuth(tokens: ScimTokens) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization
    if (!header) {
      throw ScimError.unauthorized('No Authorization header. In Entra, paste the SCIM token into the Secret Token field; Entra then sends it as "Bearer <token>".')
    }
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) {
      throw ScimError.unauthorized('The Authorization header must be "Bearer <SCIM token>".')
    }
    const verification = await tokens.verify(match[1]!)
    if (!verification.ok) {
      // A genuine but revoked token still names its organization: its log shows the refusal (the 401 is unchanged).
      if (verification.orgId && verification.tokenId) {
        request.orgId = verification.orgId
        request.scimTokenId = verification.tokenId
      }
      throw ScimError.unauthorized(verification.reason)
    }
    request.orgId = verification.orgId
    request.scimTokenId = verification.tokenId
  }
}
