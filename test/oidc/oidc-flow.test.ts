import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as client from 'openid-client'
import { spValues } from '../../src/sso/saml/sp-values.js'
import { DIALECTS } from '../helpers/dialects.js'
import { authnRequestOf, CLAIM, entraResponse } from '../helpers/saml-idp.js'
import { authorize, completeAtIdp, createOidcFixture, discover, type OidcFixture } from './oidc-fixture.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

for (const dialect of DIALECTS) {
  describe(`OpenID Connect sign-in with a real relying party (${dialect})`, () => {
    let f: OidcFixture
    let clientId: string
    let clientSecret: string
    let ada: { id: string; objectId: string; userName: string }

    before(async () => {
      f = await createOidcFixture(dialect)
      const created = await f.clients.create({ name: 'Host product', redirectUris: [REDIRECT, 'https://app.example.com/cb'] })
      clientId = created.client.id
      clientSecret = created.clientSecret
      ada = await f.acme.member('ada@acme.test', { displayName: 'Ada Lovelace' })
    })
    after(() => f.close())

    async function signIn(auth: 'basic' | 'post') {
      const config = await discover(f, clientId, clientSecret, auth)
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      assert.equal(started.status, 302, started.body)
      assert.ok(started.location.startsWith(f.acme.idp.ssoUrl), started.location)
      const done = await completeAtIdp(f, f.acme, started, ada)
      assert.equal(done.status, 303, done.body)
      assert.ok(done.location.startsWith(`${REDIRECT}?`), done.location)
      const tokens = await client.authorizationCodeGrant(config, new URL(done.location), {
        pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce, idTokenExpected: true,
      })
      return { config, tokens }
    }

    it('discovery names the endpoints, PKCE S256 only, both client authentication methods and back-channel logout', async () => {
      const config = await discover(f, clientId, clientSecret)
      const metadata = config.serverMetadata()
      assert.equal(metadata.issuer, f.issuer)
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256'])
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post'])
      assert.equal(metadata.backchannel_logout_supported, true)
    })

    it('any instance resumes a pending authorization: started on one, SAML and resume on another, token on the first', async () => {
      const config = await discover(f, clientId, clientSecret)
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const other = await f.secondInstance()
      const request = authnRequestOf(started.location)
      const sp = spValues(f.issuer, f.acme.connectionId)
      const acs = await other.inject({
        method: 'POST', url: `/sso/saml/${f.acme.connectionId}/acs`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          SAMLResponse: entraResponse(f.acme.idp, { acsUrl: sp.acsUrl, audience: sp.entityId, nameId: ada.userName, inResponseTo: request.id, attributes: { [CLAIM.objectId]: ada.objectId } }),
          RelayState: request.relayState!,
        }).toString(),
      })
      assert.equal(acs.statusCode, 303, acs.body)
      const resume = await other.inject({ method: 'GET', url: acs.headers.location as string, headers: { cookie: started.cookies.join('; ') } })
      assert.equal(resume.statusCode, 303, resume.body)
      const tokens = await client.authorizationCodeGrant(config, new URL(resume.headers.location as string), {
        pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce,
      })
      assert.equal(tokens.claims()!.sub, ada.id)
    })

    for (const auth of ['basic', 'post'] as const) {
      it(`authorize → SAML at the IdP → code → token (client_secret_${auth}) → ID token verified against the JWKS → userinfo`, async () => {
        const { config, tokens } = await signIn(auth)
        const claims = tokens.claims()!
        assert.equal(claims.sub, ada.id)
        assert.equal(claims.iss, f.issuer)
        assert.equal(claims.aud, clientId)
        assert.equal(claims.org_id, f.acme.orgId)
        assert.equal(claims.email, 'ada@acme.test')
        assert.equal(claims.name, 'Ada Lovelace')
        assert.equal(typeof claims.role, 'string')
        assert.deepEqual(claims.amr, ['pwd'])
        assert.match(String(claims.sid), /^sid_/)
        // The signature, independently of openid-client: jose against the published JWKS.
        const jwks = createRemoteJWKSet(new URL(`${f.issuer}/oidc/jwks`))
        const verified = await jwtVerify(tokens.id_token!, jwks, { issuer: f.issuer, audience: clientId })
        assert.equal(verified.payload.sub, ada.id)
        assert.equal(verified.protectedHeader.alg, 'RS256')
        const info = await client.fetchUserInfo(config, tokens.access_token, ada.id)
        assert.equal(info.sub, ada.id)
        assert.equal(info.email, 'ada@acme.test')
        assert.equal(info.org_id, f.acme.orgId)
      })
    }
  })
}
