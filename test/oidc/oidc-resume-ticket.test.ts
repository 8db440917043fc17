import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as client from 'openid-client'
import { spValues } from '../../src/sso/saml/sp-values.js'
import { DIALECTS } from '../helpers/dialects.js'
import { authnRequestOf, CLAIM, entraResponse } from '../helpers/saml-idp.js'
import { authorize, createOidcFixture, discover, type OidcFixture } from './oidc-fixture.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

/**
 * Authorization-request fixation: an attacker starts an authorization in their own browser (so they hold its binding
 * cookie) and sends the victim the IdP link it redirected to. The victim signs in; the IdP posts the victim's login to
 * Roster's ACS from the victim's browser. On an http PUBLIC_URL the SAML layer cannot bind the ACS to a browser, so
 * the login is recorded; the attacker must still not be able to resume the request and get a code for the victim.
 */
for (const dialect of DIALECTS) {
  describe(`OpenID Connect resume is bound to the browser that completed the login too (${dialect})`, () => {
    let f: OidcFixture
    let config: client.Configuration
    let victim: { id: string; objectId: string; userName: string }

    before(async () => {
      f = await createOidcFixture(dialect)
      const created = await f.clients.create({ name: 'Host product', redirectUris: [REDIRECT] })
      config = await discover(f, created.client.id, created.clientSecret)
      victim = await f.acme.member('victim@acme.test')
    })
    after(() => f.close())

    it('the browser that started the request cannot resume a login posted to the ACS from another browser', async () => {
      const attacker = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      assert.equal(attacker.status, 302, attacker.body)
      // The victim follows the IdP link and signs in; the IdP posts to the ACS from the victim's browser (no cookies).
      const request = authnRequestOf(attacker.location)
      const sp = spValues(f.issuer, f.acme.connectionId)
      const acs = await fetch(sp.acsUrl, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          SAMLResponse: entraResponse(f.acme.idp, { acsUrl: sp.acsUrl, audience: sp.entityId, nameId: victim.userName, inResponseTo: request.id, attributes: { [CLAIM.objectId]: victim.objectId } }),
          RelayState: request.relayState!,
        }),
      })
      assert.equal(acs.status, 303, await acs.text())
      const victimResume = new URL(acs.headers.get('location')!, f.issuer)
      // The victim's browser has no binding cookie: refused.
      const atVictim = await fetch(victimResume, { redirect: 'manual' })
      assert.equal(atVictim.status, 403)
      // The attacker knows the request id (it is in the RelayState they sent) and holds the binding cookie: refused too.
      for (const url of [`${f.issuer}${request.relayState}`, `${f.issuer}${request.relayState}?ticket=eyJhbGciOiJub25lIn0.eyJwaWQiOiJ4In0.`]) {
        const atAttacker = await fetch(url, { redirect: 'manual', headers: { cookie: attacker.cookies.join('; ') } })
        assert.equal(atAttacker.status, 403, url)
        assert.equal(atAttacker.headers.get('location'), null)
        assert.match(await atAttacker.text(), /another browser/)
      }
      // A ticket of another request is no good either (the legitimate flow of a second request gives the attacker one).
      const own = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const ownRequest = authnRequestOf(own.location)
      const ownAcs = await fetch(sp.acsUrl, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          SAMLResponse: entraResponse(f.acme.idp, { acsUrl: sp.acsUrl, audience: sp.entityId, nameId: victim.userName, inResponseTo: ownRequest.id, attributes: { [CLAIM.objectId]: victim.objectId } }),
          RelayState: ownRequest.relayState!,
        }),
      })
      const ticket = new URL(ownAcs.headers.get('location')!, f.issuer).searchParams.get('ticket')!
      assert.ok(ticket)
      const swapped = await fetch(`${f.issuer}${request.relayState}?ticket=${ticket}`, { redirect: 'manual', headers: { cookie: attacker.cookies.join('; ') } })
      assert.equal(swapped.status, 403)
      // The browser that did both (started, and posted the login) resumes with the ticket and gets its code.
      const resumed = await fetch(new URL(ownAcs.headers.get('location')!, f.issuer), { redirect: 'manual', headers: { cookie: own.cookies.join('; ') } })
      assert.equal(resumed.status, 303, await resumed.text())
      assert.ok(new URL(resumed.headers.get('location')!).searchParams.get('code'))
    })
  })
}
