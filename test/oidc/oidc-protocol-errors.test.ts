import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** Malformed protocol requests get the provider's own error shapes (JSON `{error}` or a page), never a 500 or a SCIM body. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: OpenID Connect protocol errors`, () => {
    let t: TestApp
    before(async () => {
      t = await createTestApp(dialect)
    })
    after(() => t.close())

    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const cases: Array<{ name: string; method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string; status: number; error?: string }> = [
      { name: 'a JSON token request', method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"authorization_code"}', status: 400, error: 'invalid_request' },
      { name: 'a repeated parameter', method: 'POST', url: '/oidc/token', headers: form, payload: 'grant_type=authorization_code&code=a&code=b', status: 400, error: 'invalid_request' },
      { name: 'no client authentication', method: 'POST', url: '/oidc/token', headers: form, payload: 'grant_type=authorization_code&code=a', status: 401, error: 'invalid_client' },
      { name: 'Basic credentials that are not form-encoded', method: 'POST', url: '/oidc/token', headers: { ...form, authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` }, payload: 'grant_type=authorization_code', status: 401, error: 'invalid_client' },
      { name: 'an unknown client', method: 'POST', url: '/oidc/token', headers: form, payload: 'grant_type=authorization_code&code=a&client_id=rpc_x&client_secret=y', status: 401, error: 'invalid_client' },
      { name: 'GET on the token endpoint', method: 'GET', url: '/oidc/token', status: 405, error: 'invalid_request' },
      { name: 'userinfo without a token', method: 'GET', url: '/oidc/userinfo', status: 401, error: 'invalid_token' },
      { name: 'userinfo with an unknown token', method: 'POST', url: '/oidc/userinfo', headers: { authorization: 'Bearer rat_unknown' }, status: 401, error: 'invalid_token' },
    ]
    for (const c of cases) {
      it(`${c.name}: ${c.status} ${c.error}`, async () => {
        const response = await t.app.inject({ method: c.method, url: c.url, headers: c.headers, payload: c.payload })
        assert.equal(response.statusCode, c.status, response.body)
        assert.match(String(response.headers['content-type']), /^application\/json/)
        assert.equal((response.json() as { error: string }).error, c.error)
        assert.equal(response.headers['cache-control'], 'no-store')
      })
    }

    it('an authorization request without a known client, an unknown resume id, or another /oidc path gets a page', async () => {
      for (const [url, status] of [['/oidc/authorize', 400], ['/oidc/authorize?client_id=a&client_id=b', 400], ['/oidc/resume/az_nope', 404], ['/oidc/nothing-here', 404]] as const) {
        const response = await t.app.inject({ method: 'GET', url })
        assert.equal(response.statusCode, status, url)
        assert.match(String(response.headers['content-type']), /^text\/html/, url)
        assert.equal(response.headers.location, undefined)
      }
    })

    it('discovery and the JWKS are public; the JWKS publishes the active key, never a private part', async () => {
      const discovery = (await t.app.inject({ url: '/.well-known/openid-configuration' })).json() as Record<string, unknown>
      assert.equal(discovery.issuer, 'https://roster.test')
      assert.equal(discovery.jwks_uri, 'https://roster.test/oidc/jwks')
      const jwks = (await t.app.inject({ url: '/oidc/jwks' })).json() as { keys: Array<Record<string, unknown>> }
      assert.equal(jwks.keys.length, 1)
      assert.equal(jwks.keys[0]!.kty, 'RSA')
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(jwks.keys[0]![privatePart], undefined, privatePart)
    })
  })
}
