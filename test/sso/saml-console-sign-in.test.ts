import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { DIALECTS } from '../helpers/dialects.js'
import { scimHeaders } from '../helpers/build-test-app.js'
import { CLAIM } from '../helpers/saml-idp.js'
import { createSamlFixture, loggedReasons, type SamlFixture } from './saml-fixture.js'

const appRole = (value: string) => ({ primary: true, type: 'WindowsAzureActiveDirectoryRole', value })
const setCookies = (header: string | string[] | undefined): string[] => (header === undefined ? [] : Array.isArray(header) ? header : [header])
const sessionCookieOf = (header: string | string[] | undefined): string | undefined =>
  setCookies(header).find((c) => c.startsWith('roster_session='))?.split(';')[0]

for (const dialect of DIALECTS) {
  describe(`Console sign-in through SAML (${dialect})`, () => {
    let f: SamlFixture
    const adminObjectId = randomUUID()
    let admin: string

    before(async () => {
      // consoleLogin: the app's own completeLogin, as in production.
      f = await createSamlFixture(dialect, { consoleLogin: true })
      admin = await f.createMember({ userName: 'ada@acme.test', externalId: adminObjectId, roles: [appRole('ML_ADMIN')] })
      await f.createMember({ userName: 'bob@acme.test', externalId: randomUUID(), roles: [appRole('ML_INTERVIEWER')] })
    })
    after(() => f.close())

    const session = (cookie: string) => f.app.inject({ method: 'GET', url: '/console/session', headers: { cookie } })

    /** SP-initiated by email domain, as the sign-in page's "Sign in with SSO" starts it. */
    async function signIn(nameId: string, objectId: string, returnTo?: string) {
      const query = new URLSearchParams({ email: nameId, ...(returnTo ? { returnTo } : {}) })
      const started = await f.startLogin(`/sso/saml/start?${query}`)
      return f.postAcs(f.response(nameId, { inResponseTo: started.id, attributes: { [CLAIM.objectId]: objectId } }), {
        relayState: started.relayState ?? undefined,
        cookie: started.cookie,
      })
    }

    it('an ADMIN signs in with SSO: a console session like the login link makes, then the console at RelayState', async () => {
      const response = await signIn('ada@acme.test', adminObjectId, '/settings/sso')
      assert.equal(response.statusCode, 303, response.body)
      assert.equal(response.headers.location, '/settings/sso')
      const cookieLine = setCookies(response.headers['set-cookie']).find((c) => c.startsWith('roster_session='))!
      for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure']) assert.ok(cookieLine.includes(attribute), attribute)
      const me = await session(sessionCookieOf(response.headers['set-cookie'])!)
      assert.equal(me.statusCode, 200, me.body)
      const body = me.json() as { member: { id: string; role: string }; organization: { id: string } }
      assert.equal(body.member.id, admin)
      assert.equal(body.member.role, 'ADMIN')
      assert.equal(body.organization.id, f.orgId)
    })

    it('without RelayState the admin lands on the setup guide (IdP-initiated, as from My Apps)', async () => {
      const response = await f.postAcs(f.response('ada@acme.test', { attributes: { [CLAIM.objectId]: adminObjectId } }))
      assert.equal(response.statusCode, 303, response.body)
      assert.equal(response.headers.location, '/setup')
      assert.ok(sessionCookieOf(response.headers['set-cookie']))
    })

    it('a member who is not an ADMIN is signed in but gets no console session, and a page that says so', async () => {
      const response = await f.postAcs(f.response('bob@acme.test'))
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(sessionCookieOf(response.headers['set-cookie']), undefined)
      assert.match(response.body, /signed in as bob@acme\.test/)
      assert.match(response.body, /console is for your organization’s admins only/)
    })

    it('deactivated over SCIM: the open console session ends at its next request, and the next SSO login is refused', async () => {
      const signedIn = await signIn('ada@acme.test', adminObjectId)
      const cookie = sessionCookieOf(signedIn.headers['set-cookie'])!
      assert.equal((await session(cookie)).statusCode, 200)
      const api = await f.app.inject({ method: 'GET', url: `/api/v1/organizations/${f.orgId}`, headers: { cookie } })
      assert.equal(api.statusCode, 200, api.body)

      const patch = await f.app.inject({
        method: 'PATCH',
        url: `/org/scim/v2/Users/${admin}`,
        headers: scimHeaders(f.scimToken),
        payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] },
      })
      assert.equal(patch.statusCode, 200, patch.body)

      const ended = await session(cookie)
      assert.equal(ended.statusCode, 401)
      assert.equal((ended.json() as { code: string }).code, 'access_ended')
      const apiAfter = await f.app.inject({ method: 'GET', url: `/api/v1/organizations/${f.orgId}`, headers: { cookie } })
      assert.equal(apiAfter.statusCode, 401, 'the session is gone for /api/v1 too')

      const refused = await signIn('ada@acme.test', adminObjectId)
      assert.equal(refused.statusCode, 403, refused.body)
      assert.equal(sessionCookieOf(refused.headers['set-cookie']), undefined)
      assert.match(refused.body, /deactivated/i)
      assert.ok(loggedReasons(f.logs).includes('deactivated'), 'the refusal is logged with its reason')
      assert.ok(f.refused.some((r) => r.reason === 'deactivated'), 'and reported to the observer')
      // The organization's provisioning log has the attempt (issue 9 §4), with the member and the reason.
      await f.app.provisioningLog.writer?.flush()
      const logged = await f.app.provisioningLog.log.queryLog(f.orgId, { outcome: 'failure', text: 'SSO sign-in refused' })
      const entry = logged.entries.find((e) => e.detail?.includes('(deactivated)'))
      assert.ok(entry, `a refused sign-in entry in the provisioning log: ${JSON.stringify(logged.entries)}`)
      assert.equal(entry.status, 403)
      assert.equal(entry.resourceId, admin)
      assert.equal(entry.userName, 'ada@acme.test')
    })
  })
}
