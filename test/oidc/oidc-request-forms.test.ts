import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as client from 'openid-client'
import { DIALECTS } from '../helpers/dialects.js'
import { authnRequestOf } from '../helpers/saml-idp.js'
import { authorize, completeAtIdp, createOidcFixture, discover, type OidcFixture } from './oidc-fixture.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

/** Request forms a standard relying party may use: POST to the authorization endpoint, the Bearer scheme in any case. */
for (const dialect of DIALECTS) {
  describe(`OpenID Connect request forms (${dialect})`, () => {
    let f: OidcFixture
    let clientId: string
    let config: client.Configuration
    let ada: { id: string; objectId: string; userName: string }

    before(async () => {
      f = await createOidcFixture(dialect)
      const created = await f.clients.create({ name: 'Host product', redirectUris: [REDIRECT] })
      clientId = created.client.id
      config = await discover(f, clientId, created.clientSecret)
      ada = await f.acme.member('ada@acme.test')
    })
    after(() => f.close())

    it('the authorization endpoint takes POST with a form body as it takes GET (OIDC Core §3.1.2.1)', async () => {
      const verifier = client.randomPKCECodeVerifier()
      const form = new URLSearchParams({
        client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's1', organization: f.acme.orgId,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      })
      const response = await fetch(`${f.issuer}/oidc/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })
      assert.equal(response.status, 302, await response.text())
      const location = response.headers.get('location')!
      assert.ok(location.startsWith(f.acme.idp.ssoUrl), location)
      assert.ok(authnRequestOf(location).relayState?.startsWith('/oidc/resume/'))
      // Errors after the redirect URI is trusted go back to it, as with GET.
      form.set('code_challenge_method', 'plain')
      const refused = await fetch(`${f.issuer}/oidc/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })
      assert.equal(refused.status, 302)
      assert.equal(new URL(refused.headers.get('location')!).searchParams.get('error'), 'invalid_request')
      assert.equal(new URL(refused.headers.get('location')!).searchParams.get('state'), 's1')
    })

    it('userinfo accepts the bearer scheme in any letter case (RFC 7235 §2.1)', async () => {
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const done = await completeAtIdp(f, f.acme, started, ada)
      const tokens = await client.authorizationCodeGrant(config, new URL(done.location), {
        pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce,
      })
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        const response = await fetch(`${f.issuer}/oidc/userinfo`, { headers: { authorization: `${scheme} ${tokens.access_token}` } })
        assert.equal(response.status, 200, scheme)
        assert.equal(((await response.json()) as { sub: string }).sub, ada.id)
      }
      // Never from the query string (RFC 6750 §2.3 is not offered: URLs end up in logs).
      const query = await fetch(`${f.issuer}/oidc/userinfo?access_token=${tokens.access_token}`)
      assert.equal(query.status, 401)
    })
  })
}
