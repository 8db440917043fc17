import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { addManualAdmin } from '../../src/directory/console-access/admin-login-link.js'
import { Members } from '../../src/directory/members.js'
import { LoginLinks } from '../../src/directory/console-access/login-links.js'
import { UserDirectory } from '../../src/directory/users.js'
import { createConsoleAuth } from '../../src/http/console/console-auth.js'
import { ConsoleSessions } from '../../src/directory/console-access/console-sessions.js'
import type { Clock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

/** A clock the test moves forward (login links expire after 15 minutes). */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0
  return { now: () => new Date(Date.now() + offset), advance: (ms) => (offset += ms) }
}

interface Harness {
  app: FastifyInstance
  store: Store
  clock: ReturnType<typeof movableClock>
  orgId: string
  adminId: string
  users: UserDirectory
  link(memberId?: string): Promise<string>
  close(): Promise<void>
}

async function harness(dialect: (typeof DIALECTS)[number], env: NodeJS.ProcessEnv = {}): Promise<Harness> {
  const database = await openTestStore(dialect)
  const clock = movableClock()
  const config = loadConfig({ DATABASE_URL: database.databaseUrl, PUBLIC_URL: 'https://roster.test', ...env })
  const app = await buildApp({ config, store: database.store, clock, logger: false })
  const org = await new Organizations(database.store, clock).create('Acme')
  const users = new UserDirectory(database.store, { maxPatchOperations: 100, clock })
  const members = new Members(database.store, { clock })
  const admin = await addManualAdmin(members, database.store, org.id, 'ada@acme.test')
  const links = new LoginLinks(database.store, clock)
  return {
    app,
    store: database.store,
    clock,
    orgId: org.id,
    adminId: admin.id,
    users,
    link: async (memberId = admin.id) => (await links.issue(org.id, memberId)).token,
    close: async () => {
      await app.close()
      await database.close()
    },
  }
}

const signIn = (app: FastifyInstance, token: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/console/sign-in/link', payload: { token }, headers })

/** The session cookie's `name=value` from a sign-in response, and its attributes. */
function sessionCookie(response: { headers: Record<string, unknown> }): { pair: string; attributes: string[] } {
  const header = String(response.headers['set-cookie'])
  const [pair, ...attributes] = header.split(/;\s*/)
  assert.match(pair ?? '', /^roster_session=/)
  return { pair: pair!, attributes: attributes.map((a) => a.toLowerCase()) }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: console sessions over HTTP`, () => {
    let h: Harness
    before(async () => {
      h = await harness(dialect)
    })
    after(() => h.close())

    test('security headers: a strict CSP and the usual hardening on the shell and on the console API', async () => {
      for (const url of ['/', '/setup', '/console/session']) {
        const response = await h.app.inject({ method: 'GET', url })
        const csp = String(response.headers['content-security-policy'])
        assert.match(csp, /default-src 'self'/, url)
        assert.match(csp, /script-src 'self'(;|$)/, `${url}: scripts from the console's origin only, no inline`)
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/, url)
        assert.match(csp, /frame-ancestors 'none'/)
        assert.match(csp, /object-src 'none'/)
        assert.equal(response.headers['x-content-type-options'], 'nosniff')
        assert.equal(response.headers['referrer-policy'], 'no-referrer')
        assert.equal(response.headers['x-frame-options'], 'DENY')
      }
      // The SCIM surface keeps its own headers (the console's hooks are encapsulated).
      const scim = await h.app.inject({ method: 'GET', url: '/org/scim/v2/ServiceProviderConfig' })
      assert.equal(scim.headers['content-security-policy'], undefined)
    })

    test('a login link signs in once: HttpOnly, SameSite=Lax, Secure cookie; the second use is refused with what to do', async () => {
      const token = await h.link()
      const first = await signIn(h.app, token)
      assert.equal(first.statusCode, 200)
      const cookie = sessionCookie(first)
      assert.ok(cookie.attributes.includes('httponly'))
      assert.ok(cookie.attributes.includes('samesite=lax'))
      assert.ok(cookie.attributes.includes('secure'), 'PUBLIC_URL is https')
      assert.ok(cookie.attributes.includes('path=/'))

      const session = await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: cookie.pair } })
      assert.equal(session.statusCode, 200)
      const body = session.json()
      assert.equal(body.organization.id, h.orgId)
      assert.equal(body.member.id, h.adminId)
      assert.equal(body.tenantUrl, 'https://roster.test/org/scim/v2')
      assert.equal(body.csrfToken, first.json().csrfToken)
      assert.equal(session.headers['cache-control'], 'no-store')

      const again = await signIn(h.app, token)
      assert.equal(again.statusCode, 401)
      assert.match(String(again.headers["content-type"]), /application\/problem\+json/)
      assert.equal(again.json().code, 'link_used')
      assert.match(again.json().detail, /admin login-link/)
    })

    test('an expired, an altered and a truncated link are refused, each saying what to do', async () => {
      const token = await h.link()
      h.clock.advance(15 * 60_000 + 1000)
      const expired = await signIn(h.app, token)
      assert.equal(expired.statusCode, 401)
      assert.equal(expired.json().code, 'link_expired')
      assert.match(expired.json().detail, /15 minutes/)

      const fresh = await h.link()
      const altered = `${fresh.slice(0, -3)}${fresh.endsWith('AAA') ? 'BBB' : 'AAA'}`
      assert.equal((await signIn(h.app, altered)).json().code, 'link_unknown')
      assert.equal((await signIn(h.app, fresh.slice(0, 20))).json().code, 'link_malformed')
      assert.equal((await signIn(h.app, fresh)).statusCode, 200, 'refusals do not use the link up')
    })

    test('state-changing requests need the CSRF token and the console origin', async () => {
      const response = await signIn(h.app, await h.link())
      const { pair } = sessionCookie(response)
      const csrf = response.json().csrfToken as string

      const crossSite = await signIn(h.app, await h.link(), { origin: 'https://evil.test' })
      assert.equal(crossSite.statusCode, 403)

      const noToken = await h.app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie: pair } })
      assert.equal(noToken.statusCode, 403)
      const wrongToken = await h.app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie: pair, 'x-csrf-token': 'A'.repeat(43) } })
      assert.equal(wrongToken.statusCode, 403)
      const otherOrigin = await h.app.inject({
        method: 'POST',
        url: '/console/sign-out',
        headers: { cookie: pair, 'x-csrf-token': csrf, origin: 'https://evil.test' },
      })
      assert.equal(otherOrigin.statusCode, 403)
      assert.equal((await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: pair } })).statusCode, 200, 'still signed in')

      const signOut = await h.app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie: pair, 'x-csrf-token': csrf, origin: 'https://roster.test' } })
      assert.equal(signOut.statusCode, 204)
      assert.match(String(signOut.headers['set-cookie']), /roster_session=;.*Expires=Thu, 01 Jan 1970/)
      const after = await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: pair } })
      assert.equal(after.statusCode, 401, 'the session was ended on the server, not only forgotten by the browser')
      assert.match(after.json().detail, /login link/)
    })

    test('a member deactivated or demoted is signed out on the next request, and the session is gone', async () => {
      for (const change of [{ active: false }, { modernloopRole: 'SCHEDULER' }]) {
        const member = await addManualAdmin(new Members(h.store, { clock: h.clock }), h.store, h.orgId, `grace-${Object.keys(change)[0]}@acme.test`)
        const { pair } = sessionCookie(await signIn(h.app, await h.link(member.id)))
        assert.equal((await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: pair } })).statusCode, 200)
        await h.users.patch(h.orgId, member.id, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', value: change }],
        })
        const next = await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: pair } })
        assert.equal(next.statusCode, 401, JSON.stringify(change))
        assert.equal(next.json().code, 'access_ended')
        assert.match(next.json().detail, /no longer an active admin/)
        const sessionId = pair.split('=')[1]!.split('.')[0]!
        const ended = await h.store.findConsoleSession(sessionId)
        assert.equal(ended?.record.expiresAt, ended?.record.createdAt, 'the session ended (its expiry is its creation), and remembers why')
        // The reactivated or re-promoted member does not get the old session back.
        await h.users.patch(h.orgId, member.id, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', value: { active: true, modernloopRole: 'ADMIN' } }],
        })
        assert.equal((await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: pair } })).json().code, 'access_ended')
      }
    })

    test('whichever request meets a lost-access session first, the session check still says why it ended', async () => {
      const member = await addManualAdmin(new Members(h.store, { clock: h.clock }), h.store, h.orgId, 'race@acme.test')
      const { pair } = sessionCookie(await signIn(h.app, await h.link(member.id)))
      await h.users.patch(h.orgId, member.id, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: 'False' }],
      })
      // A page's API call reaches the server before its session check does.
      const api = await h.app.inject({ method: 'GET', url: `/api/v1/organizations/${h.orgId}/members`, headers: { cookie: pair } })
      assert.equal(api.statusCode, 401)
      const check = await h.app.inject({ method: 'GET', url: '/console/session', headers: { cookie: pair } })
      assert.equal(check.json().code, 'access_ended')
      assert.match(check.json().detail, /no longer an active admin/)
    })

    test('a login link for a member who is no longer an admin is refused', async () => {
      const member = await addManualAdmin(new Members(h.store, { clock: h.clock }), h.store, h.orgId, 'demoted@acme.test')
      const token = await h.link(member.id)
      await h.users.patch(h.orgId, member.id, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: 'False' }],
      })
      const refused = await signIn(h.app, token)
      assert.equal(refused.statusCode, 403)
      assert.equal(refused.json().code, 'link_not_allowed')
    })

    test('authenticateSession and checkCsrf, as /api/v1 will call them', async () => {
      const sessions = new ConsoleSessions(h.store, h.clock)
      const auth = createConsoleAuth({ sessions, publicUrl: 'https://roster.test' })
      const response = await signIn(h.app, await h.link())
      const { pair } = sessionCookie(response)
      const csrf = response.json().csrfToken as string
      const request = (method: string, headers: Record<string, string>) => ({ method, headers, protocol: 'https', host: 'roster.test' }) as never

      assert.deepEqual(await auth.authenticateSession(request('GET', { cookie: pair })), { orgId: h.orgId, memberId: h.adminId })
      assert.equal(await auth.authenticateSession(request('GET', {})), null)
      assert.equal(await auth.authenticateSession(request('GET', { cookie: 'roster_session=garbage' })), null)
      assert.equal(auth.checkCsrf(request('GET', { cookie: pair })), true, 'safe methods need no token')
      assert.equal(auth.checkCsrf(request('PATCH', { cookie: pair })), false)
      assert.equal(auth.checkCsrf(request('PATCH', { cookie: pair, 'x-csrf-token': csrf })), true)
      assert.equal(auth.checkCsrf(request('DELETE', { cookie: 'roster_session=other', 'x-csrf-token': csrf })), false, 'the token is bound to its session')
      assert.equal(auth.checkCsrf(request('PATCH', { cookie: pair, 'x-csrf-token': csrf, origin: 'https://evil.test' })), false, 'another origin')
      assert.equal(auth.checkCsrf(request('PATCH', { cookie: pair, 'x-csrf-token': csrf, origin: 'https://roster.test' })), true)
    })
  })

  describe(`${dialect}: console cookies behind plain HTTP and behind a TLS proxy`, () => {
    test('no Secure flag on plain http; Secure when TRUST_PROXY and X-Forwarded-Proto say https', async () => {
      const h = await harness(dialect, { PUBLIC_URL: 'http://127.0.0.1:8080', TRUST_PROXY: 'true' })
      try {
        const plain = sessionCookie(await signIn(h.app, await h.link()))
        assert.ok(!plain.attributes.includes('secure'))
        const proxied = sessionCookie(await signIn(h.app, await h.link(), { 'x-forwarded-proto': 'https' }))
        assert.ok(proxied.attributes.includes('secure'))
      } finally {
        await h.close()
      }
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: console sign-in housekeeping`, () => {
    test('a sign-in deletes links and sessions that expired more than a day ago', async () => {
      const h = await harness(dialect)
      try {
        const oldLink = await h.link()
        const oldSession = sessionCookie(await signIn(h.app, await h.link())).pair
        h.clock.advance(13 * 60 * 60_000 + 24 * 60 * 60_000)
        assert.equal((await signIn(h.app, await h.link())).statusCode, 200)
        const linkId = oldLink.slice('login_'.length).split('.')[0]!
        const sessionId = oldSession.split('=')[1]!.split('.')[0]!
        assert.equal(await h.store.findLoginLink(linkId), undefined)
        assert.equal(await h.store.findConsoleSession(sessionId), undefined)
      } finally {
        await h.close()
      }
    })
  })
}
