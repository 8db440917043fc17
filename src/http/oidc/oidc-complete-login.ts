import { DomainError } from '../../lib/domain-error.js'
import { pendingIdOfRelayState, type OidcAuthorizations } from '../../oidc/authorizations.js'
import { htmlPage } from '../sso/html-page.js'
import type { CompleteLogin } from '../sso/saml-plugin.js'

/**
 * The `completeLogin` seam with OpenID Connect in front: a verified SAML login whose RelayState names a pending OIDC
 * authorization is recorded on it, and the browser goes to the resume URL with a ticket for this login (resume checks
 * the ticket and the browser's binding cookie, and issues the code); any other login opens what it opened before (`fallback`: the console).
 */
export function oidcCompleteLogin(authorizations: OidcAuthorizations, fallback: CompleteLogin): CompleteLogin {
  return async (request, reply, login, context) => {
    const pendingId = pendingIdOfRelayState(login.relayState)
    if (pendingId === undefined) return fallback(request, reply, login, context)
    let resumeUrl: string
    try {
      resumeUrl = await authorizations.recordLogin(pendingId, login, context?.inResponseTo ?? null)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      request.log.warn({ reason: 'oidc_resume_refused', detail: error.message, orgId: login.orgId, memberId: login.memberId }, 'OIDC sign-in not resumed')
      return reply
        .code(error.code === 'not_found' ? 404 : 403)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(htmlPage('Sign-in not completed', [error.message]))
    }
    return reply.header('cache-control', 'no-store').redirect(resumeUrl, 303)
  }
}
