import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { sha256Hex } from '../../src/lib/tokens.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'

for (const dialect of DIALECTS) {
  describe(`${dialect}: /api/v1/oidc-clients`, () => {
    let t: TestApp
    let api: ReturnType<typeof apiClient>
    let platformKey: string
    let orgKey: string

    before(async () => {
      t = await createTestApp(dialect)
      api = apiClient(t.app, await OpenApiValidator.load(t.app))
      const keys = new ApiKeys(t.store, systemClock)
      platformKey = (await keys.create(null)).key
      orgKey = (await keys.create(t.orgId)).key
    })
    after(() => t.close())

    it('creates a client with its secret shown once, lists and gets it without the secret, deletes it', async () => {
      const created = await api('POST', '/api/v1/oidc-clients', platformKey, { name: 'Host', redirectUris: ['https://app.example.com/cb'], backchannelLogoutUri: 'https://app.example.com/logout' })
      assert.equal(created.status, 201)
      assert.match(created.body.clientSecret, /^rcs_/)
      assert.equal((await t.store.findOidcClient(created.body.id))!.secretHash, sha256Hex(created.body.clientSecret))
      const listed = await api('GET', '/api/v1/oidc-clients', platformKey)
      assert.deepEqual(listed.body.data.map((c: { id: string }) => c.id), [created.body.id])
      assert.ok(!JSON.stringify(listed.body).includes(created.body.clientSecret))
      const one = await api('GET', `/api/v1/oidc-clients/${created.body.id}`, platformKey)
      assert.equal(one.body.backchannelLogoutUri, 'https://app.example.com/logout')
      assert.equal(one.body.clientSecret, undefined)
      assert.equal((await api('DELETE', `/api/v1/oidc-clients/${created.body.id}`, platformKey)).status, 204)
      assert.equal((await api('GET', `/api/v1/oidc-clients/${created.body.id}`, platformKey)).body.type, 'urn:roster:problem:not-found')
    })

    it('refuses an organization key (403), bad redirect URIs and private logout URIs (400, problem+json)', async () => {
      const forbidden = await api('GET', '/api/v1/oidc-clients', orgKey)
      assert.equal(forbidden.status, 403)
      for (const redirectUris of [['http://app.example.com/cb'], ['https://app.example.com/cb#x'], ['not a url'], []]) {
        const refused = await api('POST', '/api/v1/oidc-clients', platformKey, { name: 'Host', redirectUris })
        assert.equal(refused.status, 400, JSON.stringify(redirectUris))
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-request')
      }
      const privateLogout = await api('POST', '/api/v1/oidc-clients', platformKey, { name: 'Host', redirectUris: ['https://app.example.com/cb'], backchannelLogoutUri: 'https://10.0.0.5/logout' })
      assert.equal(privateLogout.status, 400)
      assert.match(privateLogout.body.detail, /public address/)
    })
  })
}
