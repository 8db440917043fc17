import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'
import { createTestIdp, entraMetadataXml, generateSigningKey, type SigningKey, type TestIdp } from '../helpers/saml-idp.js'

for (const dialect of DIALECTS) {
  describe(`${dialect}: /api/v1 SAML connection`, () => {
    let t: TestApp
    let api: ReturnType<typeof apiClient>
    let key: string
    let idp: TestIdp
    let next: SigningKey
    let path: string
    // A loopback stand-in for Entra's App Federation Metadata Url; what it serves changes during the test.
    let served: { status: number; body: string } = { status: 200, body: '' }
    let server: Server
    let metadataUrl: string

    before(async () => {
      t = await createTestApp(dialect)
      api = apiClient(t.app, await OpenApiValidator.load(t.app))
      key = (await new ApiKeys(t.store, systemClock).create(t.orgId)).key
      idp = await createTestIdp()
      next = await generateSigningKey({ cn: 'next' })
      path = `/api/v1/organizations/${t.orgId}/sso/saml`
      server = createServer((_req, res) => res.writeHead(served.status, { 'content-type': 'application/xml' }).end(served.body))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federationmetadata.xml`
    })
    after(async () => {
      await new Promise((resolve) => server.close(resolve))
      await t.close()
    })

    it('has no connection at first: 404 problem, and a PUT without the IdP says what to give', async () => {
      const none = await api('GET', path, key)
      assert.equal(none.status, 404)
      assert.equal(none.body.type, 'urn:roster:problem:not-found')
      const empty = await api('PUT', path, key, { emailDomains: ['acme.test'] })
      assert.equal(empty.status, 400)
      assert.match(empty.body.detail, /metadataXml, metadataUrl, or idpEntityId/)
    })

    it('creates by hand (entity ID + sign-on URL + certificate), shows SP values and the certificate', async () => {
      const created = await api('PUT', path, key, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert], emailDomains: ['@Acme.test'] })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const c = created.body
      assert.equal(c.object, 'saml_connection')
      assert.equal(c.organization, t.orgId)
      assert.equal(c.idp.entityId, idp.entityId)
      assert.equal(c.idp.tenantId, idp.tenantId, 'read from the sts.windows.net entity ID')
      assert.equal(c.idp.certificates.length, 1)
      assert.ok(Date.parse(c.idp.certificates[0].notAfter) > Date.now())
      assert.deepEqual(c.emailDomains, ['acme.test'])
      assert.equal(c.jitEnabled, false, 'JIT is off by default')
      assert.equal(c.sp.entityId, `https://roster.test/sso/saml/${c.id}`)
      assert.equal(c.sp.acsUrl, `${c.sp.entityId}/acs`)
      const sp = await api('GET', `${path}/sp`, key)
      assert.equal(sp.status, 200)
      assert.deepEqual(sp.body, c.sp)
      const metadata = await t.app.inject({ url: new URL(c.sp.metadataUrl).pathname })
      assert.equal(metadata.statusCode, 200)
      assert.match(metadata.body, new RegExp(`entityID="${c.sp.entityId}"`))
    })

    it('refuses two IdP sources at once, partial by-hand input, and bad domains as problem+json', async () => {
      for (const body of [
        { metadataXml: entraMetadataXml(idp), metadataUrl },
        { idpEntityId: idp.entityId },
        { emailDomains: ['not a domain'] },
        { idpCertificates: ['not a certificate'], idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl },
      ]) {
        const refused = await api('PUT', path, key, body)
        assert.equal(refused.status, 400, JSON.stringify(body))
        assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-request')
      }
      const refresh = await api('POST', `${path}/refresh`, key)
      assert.equal(refresh.status, 409, 'no metadata URL to refresh')
    })

    it('updates in place from metadata XML (two certificates during rollover) and settings, keeping the id', async () => {
      const before = (await api('GET', path, key)).body
      const updated = await api('PUT', path, key, { metadataXml: entraMetadataXml(idp, [idp.signing.cert, next.cert]), jitEnabled: true, allowIdpInitiated: false })
      assert.equal(updated.status, 200, JSON.stringify(updated.body))
      assert.equal(updated.body.id, before.id)
      assert.equal(updated.body.idp.certificates.length, 2)
      assert.equal(updated.body.jitEnabled, true)
      assert.equal(updated.body.allowIdpInitiated, false)
      assert.deepEqual(updated.body.emailDomains, ['acme.test'], 'what a PUT does not name stays')
    })

    it('follows a metadata URL: refresh takes new certificates, and a failed refresh keeps them and says why', async () => {
      served = { status: 200, body: entraMetadataXml(idp) }
      const followed = await api('PUT', path, key, { metadataUrl })
      assert.equal(followed.status, 200, JSON.stringify(followed.body))
      assert.equal(followed.body.idp.metadataUrl, metadataUrl)
      assert.equal(followed.body.idp.certificates.length, 1)
      served = { status: 200, body: entraMetadataXml(idp, [idp.signing.cert, next.cert]) }
      const refreshed = await api('POST', `${path}/refresh`, key)
      assert.equal(refreshed.status, 200)
      assert.equal(refreshed.body.idp.certificates.length, 2)
      assert.equal(refreshed.body.idp.metadataError, null)
      served = { status: 500, body: 'down' }
      const failed = await api('POST', `${path}/refresh`, key)
      assert.equal(failed.status, 200)
      assert.match(failed.body.idp.metadataError, /HTTP 500/)
      assert.equal(failed.body.idp.certificates.length, 2, 'the last good values stay')
    })

    it('is in the OpenAPI document, and DELETE removes the connection', async () => {
      const document = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> }
      const ops = document.paths['/api/v1/organizations/{orgId}/sso/saml']
      assert.deepEqual(Object.keys(ops ?? {}).sort(), ['delete', 'get', 'put'])
      assert.ok(document.paths['/api/v1/organizations/{orgId}/sso/saml/refresh']?.post)
      assert.ok(document.paths['/api/v1/organizations/{orgId}/sso/saml/sp']?.get)
      const removed = await api('DELETE', path, key)
      assert.equal(removed.status, 204)
      assert.equal((await api('GET', path, key)).status, 404)
      assert.equal((await api('DELETE', path, key)).status, 404)
    })
  })
}
