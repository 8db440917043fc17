import type { FastifyInstance } from 'fastify'
import type { LoginLinkRefusal, LoginLinks } from '../../directory/console-access/login-links.js'
import type { ConsoleSessions } from '../../directory/console-access/console-sessions.js'
import type { UserDirectory } from '../../directory/users.js'
import type { Organizations } from '../../orgs/organizations.js'
import type { ConsoleAuth } from './console-auth.js'
import { sendProblem } from './problem.js'

export interface SessionRoutesOptions {
  auth: ConsoleAuth
  links: LoginLinks
  sessions: ConsoleSessions
  organizations: Organizations
  users: UserDirectory
  tenantUrl: string
}

const NEW_LINK = 'Ask your Roster operator for a new link: npm run --silent cli -- admin login-link --org <organization id> --email <your email>.'

/** What the sign-in page says for each refused link: what happened and what to do. */
const REFUSALS: Record<LoginLinkRefusal, { status: number; title: string; detail: string }> = {
  malformed: { status: 400, title: 'This sign-in link is incomplete', detail: `The link was probably cut off when it was copied. Open the whole link, or: ${NEW_LINK}` },
  unknown: { status: 401, title: 'This sign-in link is not valid', detail: `Roster does not know this link; it may have been altered. ${NEW_LINK}` },
  expired: { status: 401, title: 'This sign-in link has expired', detail: `Sign-in links work for 15 minutes. ${NEW_LINK}` },
  used: {
    status: 401,
    title: 'This sign-in link was already used',
    detail: `Each sign-in link works once. If you did not use it yourself, tell your operator. ${NEW_LINK}`,
  },
  not_allowed: {
    status: 403,
    title: 'Your account may not use the console',
    detail: 'Only active members with the ADMIN role sign in to the console. Ask an admin to give you the ADMIN role (the app role ML_ADMIN in Entra).',
  },
}

/** The console's own JSON endpoints (not part of /api/v1): sign-in by login link, sign-out, and "who am I". */
export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const { auth, links, sessions } = options

  app.post<{ Body: { token?: unknown } }>('/console/sign-in/link', async (request, reply) => {
    if (!auth.isSameOrigin(request)) return sendProblem(reply, 403, 'cross_origin', 'Request refused', 'Sign in from the console itself.')
    const token = typeof request.body?.token === 'string' ? request.body.token : ''
    const redeemed = await links.redeem(token)
    if (!redeemed.ok) {
      const refusal = REFUSALS[redeemed.reason]
      return sendProblem(reply, refusal.status, `link_${redeemed.reason}`, refusal.title, refusal.detail)
    }
    // A new session on every sign-in: an earlier cookie (fixation) is replaced, never reused.
    await sessions.end(auth.sessionToken(request))
    const session = await sessions.start(redeemed.orgId, redeemed.memberId)
    auth.setSessionCookie(request, reply, session.token, session.expiresAt)
    return reply.code(200).send({ signedIn: true, csrfToken: auth.csrfToken(session.token) })
  })

  app.post('/console/sign-out', async (request, reply) => {
    if (!auth.checkCsrf(request)) {
      return sendProblem(reply, 403, 'csrf', 'Request refused', 'The page was out of date. Reload it and try again.')
    }
    await sessions.end(auth.sessionToken(request))
    auth.clearSessionCookie(request, reply)
    return reply.code(204).send()
  })

  app.get('/console/session', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const check = await auth.check(request)
    const token = auth.sessionToken(request)
    if (check.kind !== 'signed-in' || token === undefined) {
      if (token !== undefined) auth.clearSessionCookie(request, reply)
      if (check.kind === 'ended' && check.reason === 'no_access') {
        return sendProblem(
          reply,
          401,
          'access_ended',
          'You were signed out',
          'Your account is no longer an active admin of this organization (it was deactivated or its role changed in the identity provider). Ask another admin if you still need access.',
        )
      }
      if (check.kind === 'ended') {
        return sendProblem(reply, 401, 'session_expired', 'Your session has ended', `Sessions last 12 hours. ${NEW_LINK}`)
      }
      return sendProblem(reply, 401, 'signed_out', 'You are signed out', `Sign in with a login link. ${NEW_LINK}`)
    }
    const identity = check.identity
    const [organization, member] = await Promise.all([
      options.organizations.get(identity.orgId),
      options.users.get(identity.orgId, identity.memberId),
    ])
    return reply.send({
      organization: { id: organization.id, name: organization.name, roleManagement: organization.roleManagement },
      member: { id: member.id, userName: member.userName, displayName: member.displayName, role: member.role },
      tenantUrl: options.tenantUrl,
      csrfToken: auth.csrfToken(token),
    })
  })
}
