import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as client from 'openid-client'
import { scimHeaders } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { authorize, completeAtIdp, createOidcFixture, discover, type OidcFixture, type OrgWithSso } from './oidc-fixture.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

/** The token endpoint called by hand (client_secret_basic), for requests openid-client would not send. */
async function rawToken(f: OidcFixture, clientId: string, secret: string, form: Record<string, string>) {
  const response = await fetch(`${f.issuer}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams(form),
  })
  return { status: response.status, body: (await response.json()) as { error?: string; error_description?: string; access_token?: string } }
}

const errorOf = (location: string) => Object.fromEntries(new URL(location).searchParams)

for (const dialect of DIALECTS) {
  describe(`OpenID Connect refusals (${dialect})`, () => {
    let f: OidcFixture
    let clientId: string
    let secret: string
    let config: client.Configuration
    let ada: { id: string; objectId: string; userName: string }
    let globex: OrgWithSso

    before(async () => {
      f = await createOidcFixture(dialect)
      const created = await f.clients.create({ name: 'Host product', redirectUris: [REDIRECT] })
      clientId = created.client.id
      secret = created.clientSecret
      config = await discover(f, clientId, secret)
      ada = await f.acme.member('ada@acme.test')
      globex = await f.createOrgWithSso('Globex')
    })
    after(() => f.close())

    /** Through SAML to the code; returns the callback URL and the PKCE verifier. */
    async function codeFor(person = ada, org = f.acme) {
      const started = await authorize(config, REDIRECT, { organization: org.orgId })
      assert.equal(started.status, 302, started.body)
      const done = await completeAtIdp(f, org, started, person)
      assert.equal(done.status, 303, done.body)
      return { started, callback: new URL(done.location), code: new URL(done.location).searchParams.get('code')! }
    }

    it('a redirect URI that is not registered exactly gets a page, never a redirect', async () => {
      for (const wrong of [`${REDIRECT}/more`, 'http://127.0.0.1:9/callback?x=1', 'https://evil.example/callback']) {
        const started = await authorize(config, wrong, { organization: f.acme.orgId })
        assert.equal(started.status, 400, wrong)
        assert.equal(started.location, '')
        assert.match(started.body, /not registered for this application/)
      }
      const unknownClient = await fetch(`${f.issuer}/oidc/authorize?client_id=rpc_nope&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`, { redirect: 'manual' })
      assert.equal(unknownClient.status, 400)
      assert.equal(unknownClient.headers.get('location'), null)
    })

    it('PKCE is required, and only S256: missing or plain challenges are sent back as invalid_request', async () => {
      for (const pkce of ['none', 'plain'] as const) {
        const started = await authorize(config, REDIRECT, { organization: f.acme.orgId }, pkce)
        assert.equal(started.status, 302)
        const params = errorOf(started.location)
        assert.ok(started.location.startsWith(REDIRECT))
        assert.equal(params.error, 'invalid_request', pkce)
        assert.equal(params.state, started.state)
        assert.equal(params.iss, f.issuer)
      }
    })

    it('unknown organization, no SAML connection, and a login_hint in an unverified domain are error redirects', async () => {
      const unknown = errorOf((await authorize(config, REDIRECT, { organization: 'org_doesnotexist' })).location)
      assert.equal(unknown.error, 'invalid_request')
      assert.match(unknown.error_description!, /no organization/i)
      const noSso = await f.app.inject({ method: 'POST', url: '/api/v1/organizations', headers: { authorization: `Bearer ${f.platformKey}` }, payload: { name: 'No SSO' } })
      const noSsoError = errorOf((await authorize(config, REDIRECT, { organization: (noSso.json() as { id: string }).id })).location)
      assert.equal(noSsoError.error, 'access_denied')
      assert.match(noSsoError.error_description!, /single sign-on/)
      const hinted = errorOf((await authorize(config, REDIRECT, { login_hint: 'ada@acme.test' })).location)
      assert.equal(hinted.error, 'invalid_request')
      assert.match(hinted.error_description!, /verified the domain/)
    })

    it('prompt=none and request objects are refused back to the client (Roster keeps no session of its own)', async () => {
      const silent = errorOf((await authorize(config, REDIRECT, { organization: f.acme.orgId, prompt: 'none' })).location)
      assert.equal(silent.error, 'login_required')
      const requestObject = errorOf((await authorize(config, REDIRECT, { organization: f.acme.orgId, request: 'eyJhbGciOiJub25lIn0.e30.' })).location)
      assert.equal(requestObject.error, 'request_not_supported')
    })

    it('a code is good only for the client it was issued to, and only with the right secret', async () => {
      const other = await f.clients.create({ name: 'Other app', redirectUris: [REDIRECT] })
      const { code, started } = await codeFor()
      const stolen = await rawToken(f, other.client.id, other.clientSecret, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: started.verifier })
      assert.equal(stolen.status, 400)
      assert.equal(stolen.body.error, 'invalid_grant')
      const wrongSecret = await rawToken(f, clientId, `${secret}x`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: started.verifier })
      assert.equal(wrongSecret.status, 401)
      assert.equal(wrongSecret.body.error, 'invalid_client')
      // Neither attempt used the code up: the rightful client still exchanges it.
      const mine = await rawToken(f, clientId, secret, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: started.verifier })
      assert.equal(mine.status, 200, JSON.stringify(mine.body))
      assert.match(mine.body.access_token!, /^rat_/)
    })

    it('a wrong or missing PKCE verifier is refused at the token endpoint', async () => {
      const { callback, started } = await codeFor()
      await assert.rejects(
        client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: started.state, expectedNonce: started.nonce }),
        (error: { error?: string }) => error.error === 'invalid_grant',
      )
      const second = await codeFor()
      const missing = await rawToken(f, clientId, secret, { grant_type: 'authorization_code', code: second.code, redirect_uri: REDIRECT })
      assert.equal(missing.status, 400)
      assert.equal(missing.body.error, 'invalid_grant')
      assert.match(missing.body.error_description!, /code_verifier/)
    })

    it('a reused code is refused, and the access token issued from it stops working', async () => {
      const { callback, started } = await codeFor()
      const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce })
      assert.equal((await client.fetchUserInfo(config, tokens.access_token, ada.id)).sub, ada.id)
      const replay = await rawToken(f, clientId, secret, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: started.verifier })
      assert.equal(replay.status, 400)
      assert.equal(replay.body.error, 'invalid_grant')
      assert.match(replay.body.error_description!, /already used/)
      await assert.rejects(client.fetchUserInfo(config, tokens.access_token, ada.id), (error: { status?: number; cause?: unknown }) => (error.status ?? 0) === 401 || /invalid_token/.test(String(error.cause ?? error)))
      const direct = await fetch(`${f.issuer}/oidc/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
      assert.equal(direct.status, 401)
      assert.match(direct.headers.get('www-authenticate')!, /invalid_token/)
    })

    it('two exchanges of one code at once: exactly one succeeds, and its access token is revoked by the other', async () => {
      const { code, started } = await codeFor()
      const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: started.verifier }
      const results = await Promise.all([rawToken(f, clientId, secret, form), rawToken(f, clientId, secret, form)])
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 400])
      const winner = results.find((r) => r.status === 200)!
      assert.equal(results.find((r) => r.status === 400)!.body.error, 'invalid_grant')
      const info = await fetch(`${f.issuer}/oidc/userinfo`, { headers: { authorization: `Bearer ${winner.body.access_token}` } })
      assert.equal(info.status, 401)
    })

    it('an expired code is refused', async () => {
      const { callback, started } = await codeFor()
      f.clock.offsetMs = 2 * 60_000
      try {
        await assert.rejects(
          client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce }),
          (error: { error?: string; error_description?: string }) => error.error === 'invalid_grant' && /expired/.test(error.error_description ?? ''),
        )
      } finally {
        f.clock.offsetMs = 0
      }
    })

    it('a member deactivated over SCIM between authorize and token gets no tokens', async () => {
      const bob = await f.acme.member('bob@acme.test')
      const { callback, started } = await codeFor(bob)
      const patch = await f.app.inject({
        method: 'PATCH', url: `/org/scim/v2/Users/${bob.id}`, headers: scimHeaders(f.acme.scimToken),
        payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] },
      })
      assert.equal(patch.statusCode, 200, patch.body)
      await assert.rejects(
        client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce }),
        (error: { error?: string }) => error.error === 'invalid_grant',
      )
      // And the next sign-in stops at the SAML layer (the same access rule).
      const again = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const refused = await completeAtIdp(f, f.acme, again, bob)
      assert.equal(refused.acsStatus, 403)
    })

    it('a member of another organization gets no code for this one', async () => {
      const gina = await globex.member('gina@globex.test')
      // At Acme's IdP, Gina is nobody in Acme: the SAML layer refuses her.
      const atAcme = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const refused = await completeAtIdp(f, f.acme, atAcme, gina)
      assert.equal(refused.acsStatus, 403)
      assert.equal(refused.location, '')
      // Signed in at Globex's IdP, carrying Acme's pending request as RelayState: refused, no code.
      const crossed = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const result = await completeAtIdp(f, f.acme, crossed, gina, { acsOf: globex })
      assert.equal(result.acsStatus, 403, result.acsBody)
      assert.match(result.acsBody, /different organization/)
    })

    it('an IdP-initiated login carrying a pending request as RelayState does not complete it', async () => {
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const result = await completeAtIdp(f, f.acme, started, ada, { idpInitiated: true })
      assert.equal(result.acsStatus, 403, result.acsBody)
      assert.match(result.acsBody, /did not come back from the request/)
      // The request itself is still open for the real answer.
      const done = await completeAtIdp(f, f.acme, started, ada)
      assert.ok(new URL(done.location).searchParams.get('code'), done.body)
    })

    it('a login_hint in a domain the organization verified over DNS TXT picks it', async () => {
      const added = await f.app.inject({ method: 'POST', url: `/api/v1/organizations/${f.acme.orgId}/domains`, headers: { authorization: `Bearer ${f.platformKey}` }, payload: { domain: 'acme.test' } })
      assert.equal(added.statusCode, 201, added.body)
      const domain = added.json() as { id: string; verificationValue: string; verified: boolean }
      assert.equal(domain.verified, false)
      const early = await f.app.inject({ method: 'POST', url: `/api/v1/organizations/${f.acme.orgId}/domains/${domain.id}/verify`, headers: { authorization: `Bearer ${f.platformKey}` } })
      assert.equal(early.statusCode, 400, early.body)
      f.txt.set('_roster.acme.test', [[domain.verificationValue]])
      const verified = await f.app.inject({ method: 'POST', url: `/api/v1/organizations/${f.acme.orgId}/domains/${domain.id}/verify`, headers: { authorization: `Bearer ${f.platformKey}` } })
      assert.equal(verified.statusCode, 200, verified.body)
      assert.equal((verified.json() as { verified: boolean }).verified, true)
      const started = await authorize(config, REDIRECT, { login_hint: 'ada@acme.test' })
      assert.ok(started.location.startsWith(f.acme.idp.ssoUrl), started.location)
      assert.equal(new URL(started.location).searchParams.get('login_hint'), 'ada@acme.test')
      const done = await completeAtIdp(f, f.acme, started, ada)
      assert.ok(new URL(done.location).searchParams.get('code'))
    })

    it('the resume URL works only in the browser that started the request', async () => {
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const done = await completeAtIdp(f, f.acme, { ...started, cookies: [] }, ada)
      assert.equal(done.status, 403, done.body)
      assert.match(done.body, /another browser/)
    })
  })
}
