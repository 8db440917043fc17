import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { DIALECTS } from '../helpers/dialects.js'
import { authnRequestOf, CLAIM, generateSigningKey } from '../helpers/saml-idp.js'
import { createSamlFixture, loggedReasons, type SamlFixture } from './saml-fixture.js'

for (const dialect of DIALECTS) {
  describe(`SAML sign-in, positive paths (${dialect})`, () => {
    let f: SamlFixture
    const aliceObjectId = randomUUID()
    let alice: string

    before(async () => {
      f = await createSamlFixture(dialect)
      alice = await f.createMember({
        userName: 'Alice@Acme.test',
        externalId: aliceObjectId,
        displayName: 'Alice Example',
        emails: [{ value: 'alice.example@acme.test', type: 'work', primary: true }],
      })
    })
    after(() => f.close())

    it('SP-initiated: start redirects to Entra with a strict AuthnRequest, and the answer signs the member in', async () => {
      const start = await f.app.inject({ method: 'GET', url: `/sso/saml/${f.connection.id}/start?returnTo=/console/members` })
      assert.equal(start.statusCode, 302)
      const request = authnRequestOf(start.headers.location as string)
      assert.equal(request.url.origin + request.url.pathname, f.idp.ssoUrl)
      assert.equal(request.relayState, '/console/members')
      assert.match(request.xml, new RegExp(`<saml:Issuer[^>]*>${f.sp.entityId}</saml:Issuer>`))
      assert.match(request.xml, new RegExp(`AssertionConsumerServiceURL="${f.sp.acsUrl}"`))
      assert.doesNotMatch(request.xml, /RequestedAuthnContext/, 'no RequestedAuthnContext: it breaks MFA and passwordless')
      assert.match(request.id, /^_/, 'Entra refuses request ids that start with a digit')
      // The login is bound to this browser: a cookie the IdP's cross-site POST carries back.
      const setCookie = String(start.headers['set-cookie'])
      assert.match(setCookie, new RegExp(`^roster_saml_requests=${request.id};`))
      for (const attribute of ['Path=/sso/saml', 'HttpOnly', 'Secure', 'SameSite=None']) assert.ok(setCookie.includes(attribute), attribute)

      const response = await f.postAcs(
        f.response('alice@acme.test', { inResponseTo: request.id, attributes: { [CLAIM.objectId]: aliceObjectId } }),
        { relayState: request.relayState!, cookie: setCookie.split(';')[0] },
      )
      assert.equal(response.statusCode, 200, response.body)
      assert.match(String(response.headers['set-cookie']), /^roster_saml_requests=; .*Max-Age=0/, 'the used id leaves the cookie')
      const login = f.logins.at(-1)!
      assert.equal(login.memberId, alice)
      assert.equal(login.orgId, f.orgId)
      assert.equal(login.relayState, '/console/members')
      assert.equal(login.nameId, 'alice@acme.test')
      assert.equal(login.attributes[CLAIM.tenantId], f.idp.tenantId)
      assert.ok(login.sessionIndex)
    })

    it('lets two logins started in one browser (two tabs) both finish', async () => {
      const first = await f.startLogin(`/sso/saml/${f.connection.id}/start`)
      const second = await f.startLogin(`/sso/saml/${f.connection.id}/start`, first.cookie)
      assert.equal(second.cookie, `roster_saml_requests=${first.id}.${second.id}`)
      for (const started of [second, first]) {
        const response = await f.postAcs(f.response('alice@acme.test', { inResponseTo: started.id }), { cookie: second.cookie })
        assert.equal(response.statusCode, 200, response.body)
      }
    })

    it('IdP-initiated (My Apps, "Test this application"): no InResponseTo, Entra claim names, matched by objectidentifier', async () => {
      const response = await f.postAcs(
        // The UPN changed in Entra and SCIM has not caught up: the immutable object id still finds Alice.
        f.response('alice.renamed@acme.test', {
          attributes: {
            [CLAIM.objectId]: aliceObjectId,
            [CLAIM.email]: 'alice.example@acme.test',
            [CLAIM.givenName]: 'Alice',
            [CLAIM.surname]: 'Example',
            [CLAIM.displayName]: 'Alice Example',
            [CLAIM.role]: ['ML_ADMIN', 'User'],
          },
        }),
      )
      assert.equal(response.statusCode, 200, response.body)
      const login = f.logins.at(-1)!
      assert.equal(login.memberId, alice)
      assert.equal(login.relayState, null)
      assert.deepEqual(login.attributes[CLAIM.role], ['ML_ADMIN', 'User'])
      assert.equal(login.attributes[CLAIM.givenName], 'Alice')
    })

    it('matches the NameID against userName case-insensitively and NFC-normalized, then the email claim', async () => {
      const rene = await f.createMember({ userName: 'Ren\u00e9@acme.test' })
      const byName = await f.postAcs(f.response('RENE\u0301@ACME.TEST'))
      assert.equal(byName.statusCode, 200, byName.body)
      assert.equal(f.logins.at(-1)!.memberId, rene)

      const byEmail = await f.postAcs(f.response('someone-else@guest.example', { attributes: { [CLAIM.email]: 'ALICE.EXAMPLE@acme.test' } }))
      assert.equal(byEmail.statusCode, 200, byEmail.body)
      assert.equal(f.logins.at(-1)!.memberId, alice)
    })

    it('signs in an external Entra guest (NameID = their mail, userName the #EXT# UPN) by objectidentifier, with groups.link', async () => {
      const guestObjectId = randomUUID()
      const guest = await f.createMember({ userName: 'james_contoso.test#EXT#@acme.onmicrosoft.com', externalId: guestObjectId })
      const response = await f.postAcs(
        f.response('james@contoso.test', {
          attributes: { [CLAIM.objectId]: guestObjectId, 'http://schemas.microsoft.com/claims/groups.link': 'https://graph.windows.net/x/users/y/getMemberObjects' },
        }),
      )
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(f.logins.at(-1)!.memberId, guest)
      assert.equal(typeof f.logins.at(-1)!.attributes['http://schemas.microsoft.com/claims/groups.link'], 'string')
    })

    it('accepts a response signed only at the Response level, and one signed at both levels', async () => {
      for (const sign of ['response', 'both'] as const) {
        const response = await f.postAcs(f.response('alice@acme.test', { sign }))
        assert.equal(response.statusCode, 200, `${sign}: ${response.body}`)
        assert.equal(f.logins.at(-1)!.memberId, alice)
      }
    })

    it('accepts either certificate during rollover, and refuses one that has expired', async () => {
      const next = await generateSigningKey({ cn: 'next' })
      const expired = await generateSigningKey({ cn: 'expired', notBeforeDate: new Date(Date.now() - 2 * 86400_000), notAfterDate: new Date(Date.now() - 86400_000) })
      await f.connections.update(f.orgId, f.connection.id, {
        idpEntityId: f.idp.entityId,
        idpSsoUrl: f.idp.ssoUrl,
        idpCertificates: [f.idp.signing.cert, next.cert, expired.cert],
      })
      try {
        for (const key of [f.idp.signing, next]) {
          const response = await f.postAcs(f.response('alice@acme.test', { signWith: key }))
          assert.equal(response.statusCode, 200, response.body)
        }
        const refused = await f.postAcs(f.response('alice@acme.test', { signWith: expired }))
        assert.equal(refused.statusCode, 400)
        assert.equal(f.refused.at(-1)!.reason, 'invalid_signature')
        assert.equal(loggedReasons(f.logs).at(-1), 'invalid_signature')
      } finally {
        await f.connections.update(f.orgId, f.connection.id, { idpEntityId: f.idp.entityId, idpSsoUrl: f.idp.ssoUrl, idpCertificates: [f.idp.signing.cert] })
      }
    })

    it('starts by email domain (with login_hint) and by organization', async () => {
      const byEmail = await f.app.inject({ method: 'GET', url: '/sso/saml/start?email=alice@ACME.test' })
      assert.equal(byEmail.statusCode, 302)
      assert.equal(authnRequestOf(byEmail.headers.location as string).url.searchParams.get('login_hint'), 'alice@ACME.test')
      const byOrg = await f.app.inject({ method: 'GET', url: `/sso/saml/start?org=${f.orgId}` })
      assert.equal(byOrg.statusCode, 302)
      const unknown = await f.app.inject({ method: 'GET', url: '/sso/saml/start?email=x@nowhere.test' })
      assert.equal(unknown.statusCode, 404)
      assert.match(unknown.body, /No single sign-on is set up/)
    })

    it('by default (the console\'s completeLogin) a member who is not an ADMIN gets a page naming them, and no console session', async () => {
      const app = await buildApp({ config: f.config, store: f.store, logger: false })
      try {
        const response = await app.inject({
          method: 'POST',
          url: `/sso/saml/${f.connection.id}/acs`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ SAMLResponse: f.response('alice@acme.test') }).toString(),
        })
        assert.equal(response.statusCode, 200)
        assert.match(response.headers['content-type'] as string, /text\/html/)
        assert.match(response.body, /You signed in as Alice@Acme\.test\./)
        assert.match(response.body, /console is for your organization’s admins only/)
        assert.ok(!String(response.headers['set-cookie'] ?? '').includes('roster_session='), 'no console session')
      } finally {
        await app.close()
      }
    })

    it('does not bind logins to the browser on an http deployment (a SameSite=None cookie needs https)', async () => {
      const app = await buildApp({ config: loadConfig({ DATABASE_URL: f.databaseUrl, PUBLIC_URL: 'http://127.0.0.1:8080' }), store: f.store, logger: false })
      try {
        const start = await app.inject({ method: 'GET', url: `/sso/saml/${f.connection.id}/start` })
        assert.equal(start.statusCode, 302)
        assert.equal(start.headers['set-cookie'], undefined)
      } finally {
        await app.close()
      }
    })

    it('never logs the SAMLResponse, and refuses two members sharing the identifier instead of guessing', async () => {
      const shared = randomUUID()
      await f.createMember({ userName: 'twin1@acme.test', externalId: shared })
      await f.createMember({ userName: 'twin2@acme.test', externalId: shared })
      const samlResponse = f.response('twin1@acme.test', { attributes: { [CLAIM.objectId]: shared } })
      const response = await f.postAcs(samlResponse)
      assert.equal(response.statusCode, 403)
      assert.equal(f.refused.at(-1)!.reason, 'ambiguous_member')
      assert.equal(loggedReasons(f.logs).at(-1), 'ambiguous_member')
      const logged = JSON.stringify(f.logs)
      assert.ok(!logged.includes(samlResponse.slice(0, 60)), 'no SAMLResponse in the log')
      assert.ok(f.logs.some((line) => line.msg === 'SAML login accepted'), 'accepted logins are logged too')
    })

    it('serves SP metadata naming the entity ID and the ACS', async () => {
      const response = await f.app.inject({ method: 'GET', url: `/sso/saml/${f.connection.id}/metadata` })
      assert.equal(response.statusCode, 200)
      assert.match(response.headers['content-type'] as string, /application\/samlmetadata\+xml/)
      assert.match(response.body, new RegExp(`entityID="${f.sp.entityId}"`))
      assert.match(response.body, new RegExp(`Location="${f.sp.acsUrl}"`))
    })
  })
}

