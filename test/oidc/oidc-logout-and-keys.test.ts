import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import * as client from 'openid-client'
import { BACKCHANNEL_LOGOUT_EVENT } from '../../src/oidc/backchannel-logout.js'
import { SigningKeys } from '../../src/oidc/signing-keys.js'
import { scimHeaders } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { WebhookReceiver } from '../helpers/webhook-receiver.js'
import { authorize, completeAtIdp, createOidcFixture, discover, type OidcFixture } from './oidc-fixture.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

/** Runs passes until `done()` or the time is up (bounded in count and time). */
async function until(done: () => boolean, pass: () => Promise<unknown>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  for (let i = 0; i < 500 && !done(); i++) {
    if (Date.now() > end) break
    await pass()
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
  assert.ok(done(), 'condition not reached in time')
}

for (const dialect of DIALECTS) {
  describe(`OpenID Connect keys and back-channel logout (${dialect})`, () => {
    let f: OidcFixture
    let receiver: WebhookReceiver
    let clientId: string
    let config: client.Configuration

    before(async () => {
      f = await createOidcFixture(dialect)
      receiver = await WebhookReceiver.start()
      const created = await f.clients.create({ name: 'Host product', redirectUris: [REDIRECT], backchannelLogoutUri: receiver.url })
      clientId = created.client.id
      config = await discover(f, clientId, created.clientSecret)
    })
    after(async () => {
      await f.close()
      await receiver.close()
    })

    async function signIn(person: { userName: string; objectId: string }) {
      const started = await authorize(config, REDIRECT, { organization: f.acme.orgId })
      const done = await completeAtIdp(f, f.acme, started, person)
      assert.equal(done.status, 303, done.body)
      return client.authorizationCodeGrant(config, new URL(done.location), { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce })
    }
    const jwks = async () => (await (await fetch(`${f.issuer}/oidc/jwks`)).json()) as JSONWebKeySet

    it('after a key rotation both keys are published: the old ID token still verifies, new ones use the new key; a second rotation retires the first', async () => {
      const ada = await f.acme.member('ada@acme.test')
      const before = await signIn(ada)
      const firstKid = decodeProtectedHeader(before.id_token!).kid!
      const keys = new SigningKeys(f.store, f.clock)
      const rotated = await keys.rotate()
      assert.notEqual(rotated.kid, firstKid)
      assert.deepEqual((await jwks()).keys.map((k) => k.kid).sort(), [firstKid, rotated.kid].sort())
      // A fresh JWKS fetch, as a relying party does on an unknown kid.
      await jwtVerify(before.id_token!, createRemoteJWKSet(new URL(`${f.issuer}/oidc/jwks`)), { issuer: f.issuer, audience: clientId })
      const afterRotation = await signIn(ada)
      assert.equal(decodeProtectedHeader(afterRotation.id_token!).kid, rotated.kid)
      await jwtVerify(afterRotation.id_token!, createLocalJWKSet(await jwks()), { issuer: f.issuer, audience: clientId })
      await keys.rotate()
      const published = (await jwks()).keys.map((k) => k.kid)
      assert.equal(published.length, 2)
      assert.ok(!published.includes(firstKid), 'the key before the previous one is retired')
      await assert.rejects(jwtVerify(before.id_token!, createLocalJWKSet(await jwks())))
    })

    it('deactivation sends a signed logout token for the session, retried after the receiver fails', async () => {
      const bob = await f.acme.member('bob@acme.test')
      const tokens = await signIn(bob)
      const sid = tokens.claims()!.sid
      await f.logout.runOnce() // fan out whatever came before
      receiver.received.length = 0
      receiver.answers = [500]
      const patch = await f.app.inject({
        method: 'PATCH', url: `/org/scim/v2/Users/${bob.id}`, headers: scimHeaders(f.acme.scimToken),
        payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] },
      })
      assert.equal(patch.statusCode, 200, patch.body)
      await until(() => receiver.delivered.length === 1, () => f.logout.runOnce())
      assert.equal(receiver.received.length, 2, 'one failed attempt, then the delivered one')
      assert.equal(receiver.received[0]!.answer, 500)
      const delivered = receiver.delivered[0]!
      assert.match(String(delivered.headers['content-type']), /application\/x-www-form-urlencoded/)
      const logoutToken = new URLSearchParams(delivered.body).get('logout_token')!
      const { payload, protectedHeader } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL(`${f.issuer}/oidc/jwks`)), { issuer: f.issuer, audience: clientId, typ: 'logout+jwt' })
      assert.equal(protectedHeader.typ, 'logout+jwt')
      assert.equal(payload.sub, bob.id)
      assert.equal(payload.sid, sid)
      assert.deepEqual(payload.events, { [BACKCHANNEL_LOGOUT_EVENT]: {} })
      assert.ok(payload.jti && payload.iat && payload.exp)
      assert.equal((payload as Record<string, unknown>).nonce, undefined, 'a logout token never carries a nonce')
      const [delivery] = (await f.store.listLogoutDeliveries(f.acme.orgId)).filter((d) => d.memberId === bob.id)
      assert.equal(delivery!.status, 'delivered')
      assert.equal(delivery!.attempts, 2)
      // The access token went with the session.
      const info = await fetch(`${f.issuer}/oidc/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
      assert.equal(info.status, 401)
      // Nothing more is sent for that session.
      await f.logout.runOnce()
      assert.equal(receiver.delivered.length, 1)
    })

    it('a demotion (the effective role lowered over SCIM) ends sessions; a receiver that keeps failing ends as failed after the last attempt', async () => {
      const appRole = (value: string) => [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value }]
      const dee = await f.acme.member('dee@acme.test', { roles: appRole('ML_ADMIN') })
      const tokens = await signIn(dee)
      assert.equal(tokens.claims()!.role, 'ADMIN')
      await f.logout.runOnce()
      receiver.received.length = 0
      receiver.fallback = 500
      try {
        const patch = await f.app.inject({
          method: 'PATCH', url: `/org/scim/v2/Users/${dee.id}`, headers: scimHeaders(f.acme.scimToken),
          payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'roles', value: appRole('ML_INTERVIEWER') }] },
        })
        assert.equal(patch.statusCode, 200, patch.body)
        const deliveries = async () => (await f.store.listLogoutDeliveries(f.acme.orgId)).filter((d) => d.memberId === dee.id)
        let status = ''
        await until(() => status === 'failed', async () => {
          await f.logout.runOnce()
          status = (await deliveries())[0]?.status ?? ''
        })
        const [failed] = await deliveries()
        assert.equal(failed!.attempts, 3, 'maxAttempts of the fixture')
        assert.equal(failed!.lastResponseCode, 500)
        assert.equal(receiver.received.length, 3)
        const { payload } = await jwtVerify(new URLSearchParams(receiver.received[0]!.body).get('logout_token')!, createLocalJWKSet(await jwks()), { issuer: f.issuer, audience: clientId })
        assert.equal(payload.sub, dee.id)
      } finally {
        receiver.fallback = 200
      }
    })

    it('deletion over SCIM also ends the member’s sessions (the session outlives the deleted row)', async () => {
      const cy = await f.acme.member('cy@acme.test')
      const tokens = await signIn(cy)
      await f.logout.runOnce()
      receiver.received.length = 0
      const deleted = await f.app.inject({ method: 'DELETE', url: `/org/scim/v2/Users/${cy.id}`, headers: scimHeaders(f.acme.scimToken) })
      assert.equal(deleted.statusCode, 204, deleted.body)
      await until(() => receiver.delivered.length === 1, () => f.logout.runOnce())
      const token = new URLSearchParams(receiver.delivered[0]!.body).get('logout_token')!
      const { payload } = await jwtVerify(token, createLocalJWKSet(await jwks()), { issuer: f.issuer, audience: clientId })
      assert.equal(payload.sub, cy.id)
      assert.equal(payload.sid, tokens.claims()!.sid)
    })
  })
}
