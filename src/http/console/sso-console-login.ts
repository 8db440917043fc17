import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ConsoleSessions } from '../../directory/console-access/console-sessions.js'
import { mayUseConsole } from '../../directory/console-access/may-use-console.js'
import type { UserDirectory } from '../../directory/users.js'
import type { VerifiedLogin } from '../../sso/saml/types.js'
import { htmlPage } from '../sso/html-page.js'
import type { ConsoleAuth } from './console-auth.js'

export interface SsoConsoleLoginOptions {
  auth: ConsoleAuth
  sessions: ConsoleSessions
  users: UserDirectory
}

/** Where an admin lands when the login carried no RelayState: the setup guide, the console's first page. */
export const CONSOLE_LANDING = '/setup'

/**
 * What a verified SAML login opens (the `completeLogin` seam of the SAML surface): for an active ADMIN, a console
 * session made exactly as the login link makes one (a fresh session, any earlier cookie ended, the same cookie), then
 * the console (RelayState, already checked to be Roster's own, or the setup guide). Any other member gets a page in
 * plain words: the console is for admins, and the product's own sign-in comes with OpenID Connect.
 * The role is read from the member's row as it is now; the SAML layer has already refused inactive or unknown people.
 */
export function ssoConsoleLogin({ auth, sessions, users }: SsoConsoleLoginOptions) {
  return async (request: FastifyRequest, reply: FastifyReply, login: VerifiedLogin) => {
    const member = await users.get(login.orgId, login.memberId)
    reply.header('cache-control', 'no-store')
    if (!mayUseConsole(member)) {
      request.log.info({ orgId: login.orgId, memberId: login.memberId }, 'SSO login of a non-admin member: no console session')
      return reply
        .type('text/html; charset=utf-8')
        .send(
          htmlPage('You are signed in', [
            `You signed in as ${member.userName}.`,
            'The Roster console is for your organization’s admins only, and your account does not have the ADMIN role. ' +
              'Sign in to your product from its own sign-in page. If you need the console, ask an admin to give you the ADMIN role (the app role ML_ADMIN in Entra).',
          ]),
        )
    }
    // A new session on every sign-in: an earlier cookie (fixation) is replaced, never reused.
    await sessions.end(auth.sessionToken(request))
    const session = await sessions.start(login.orgId, login.memberId)
    auth.setSessionCookie(request, reply, session.token, session.expiresAt)
    return reply.redirect(login.relayState ?? CONSOLE_LANDING, 303)
  }
}
