import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as client from 'openid-client'
import { DIALECTS } from '../helpers/dialects.js'
import { authnRequestOf } from '../helpers/saml-idp.js'
import { authorize, completeAtIdp, createOidcFixture, discover, type OidcFixture } from './oidc-fixture.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

/**
 * `auth_time` and re-authentication: the IdP (Entra) keeps its own session, so a SAML login may carry an
 * authentication that happened long before. A relying party that asks for a fresh one (`prompt=login`, `max_age`)
 * must see the IdP asked to authenticate again, and `auth_time` must say when the IdP authenticated the person.
 */
for (const dialect of DIALECTS) {
  describe(`OpenID Connect auth_time and re-authentication (${dialect})`, () => {
    let f: OidcFixture
    let config: client.Configuration
    let ada: { id: string; objectId: string; userName: string }

    before(async () => {
      f = await createOidcFixture(dialect)
      const created = await f.clients.create({ name: 'Host product', redirectUris: [REDIRECT] })
      config = await discover(f, created.client.id, created.clientSecret)
      ada = await f.acme.member('ada@acme.test')
    })
    after(() => f.close())

    it('auth_time is the assertion’s AuthnInstant (the IdP’s session), not the moment Roster received it', async () => {
      const authenticatedAt = new Date(Date.now() - 3 * 3600_000)
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const done = await completeAtIdp(f, f.acme, started, ada, { authnInstant: authenticatedAt })
      assert.equal(done.status, 303, done.body)
      const tokens = await client.authorizationCodeGrant(config, new URL(done.location), {
        pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce,
      })
      assert.equal(tokens.claims()!.auth_time, Math.floor(authenticatedAt.getTime() / 1000))
    })

    it('prompt=login and max_age ask the IdP to authenticate again (ForceAuthn); a plain request does not', async () => {
      const plain = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      assert.doesNotMatch(authnRequestOf(plain.location).xml, /ForceAuthn="true"/)
      for (const extra of [{ prompt: 'login' }, { max_age: '300' }, { prompt: 'login consent' }] as Array<Record<string, string>>) {
        const started = await authorize(config, REDIRECT, { organization: f.acme.orgId, ...extra })
        assert.equal(started.status, 302, started.body)
        assert.match(authnRequestOf(started.location).xml, /ForceAuthn="true"/, JSON.stringify(extra))
      }
      const bad = await authorize(config, REDIRECT, { organization: f.acme.orgId, max_age: 'soon' })
      assert.equal(new URL(bad.location).searchParams.get('error'), 'invalid_request')
    })
  })
}
