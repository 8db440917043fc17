import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'
import { createTestIdp } from '../helpers/saml-idp.js'

/**
 * Every route of the OpenAPI document under /organizations/{orgId}, called with another organization's key and the
 * real ids of this organization's resources: each must answer 404, as if nothing existed. New routes are picked up
 * from the document; a route with a path parameter this test cannot fill fails the test until one is added.
 */
for (const dialect of DIALECTS) {
  describe(`${dialect}: /api/v1 tenancy`, () => {
    let t: TestApp
    let api: ReturnType<typeof apiClient>
    let document: { paths: Record<string, Record<string, unknown>> }
    const ids: Record<string, string> = {}
    let otherKey: string
    let ownKey: string

    before(async () => {
      t = await createTestApp(dialect, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } })
      const validator = await OpenApiValidator.load(t.app)
      api = apiClient(t.app, validator)
      document = (await t.app.inject({ url: '/api/v1/openapi.json' })).json()
      const keys = new ApiKeys(t.store, systemClock)
      const other = await t.createOrg('Intruder')
      otherKey = (await keys.create(other.orgId)).key
      ownKey = (await keys.create(t.orgId)).key
      const user = await t.app.inject({ method: 'POST', url: '/org/scim/v2/Users', headers: scimHeaders(t.token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'tenant@acme.test' } })
      const group = await t.app.inject({ method: 'POST', url: '/org/scim/v2/Groups', headers: scimHeaders(t.token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Tenants', members: [{ value: user.json().id }] } })
      ids.orgId = t.orgId
      ids.groupId = group.json().id
      ids.memberId = user.json().id
      ids.tokenId = (await api('GET', `/api/v1/organizations/${t.orgId}/scim-tokens`, ownKey)).body.data[0].id
      const webhook = await api('POST', `/api/v1/organizations/${t.orgId}/webhooks`, ownKey, { url: 'http://127.0.0.1:9/hook' })
      ids.webhookId = webhook.body.id
      ids.deliveryId = 'whd_tenancyfixture'
      ids.keyId = (await keys.create(t.orgId)).record.id
      // The organization's SAML connection (routes under /sso/saml name none; the owner's GETs need one to exist).
      const idp = await createTestIdp()
      const saml = await api('PUT', `/api/v1/organizations/${t.orgId}/sso/saml`, ownKey, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert] })
      assert.equal(saml.status, 201)
      // A claimed (unverified) domain of the organization (OpenID Connect login_hint routing).
      ids.domainId = (await api('POST', `/api/v1/organizations/${t.orgId}/domains`, ownKey, { domain: 'acme.test' })).body.id
      const now = new Date().toISOString()
      await t.store.insertDelivery({
        id: ids.deliveryId, endpointId: ids.webhookId!, eventId: 'evt_tenancyfixture', eventPosition: 1, eventType: 'group.created', status: 'delivered',
        replay: false, attempts: 1, lastResponseCode: 200, lastError: null, nextAttemptAt: null, createdAt: now, updatedAt: now,
      })
    })
    after(() => t.close())

    it('answers 404 on every organization route for another organization\'s key, and the owner reaches each one', async () => {
      const tried: string[] = []
      for (const [template, operations] of Object.entries(document.paths)) {
        if (!template.includes('{orgId}')) continue
        const url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
          assert.ok(ids[name], `no fixture id for {${name}} in ${template}: add one to this test`)
          return ids[name]!
        })
        for (const method of Object.keys(operations)) {
          const intruder = await api(method.toUpperCase() as 'GET', url, otherKey, method === 'get' || method === 'delete' ? undefined : {})
          assert.equal(intruder.status, 404, `${method.toUpperCase()} ${template} with another organization's key`)
          assert.equal(intruder.body.type, 'urn:roster:problem:not-found')
          assert.ok(!JSON.stringify(intruder.body).includes('Tenants'))
          tried.push(`${method} ${template}`)
        }
      }
      assert.ok(tried.length >= 8, `routes tried: ${tried.join(', ')}`)
      for (const template of Object.keys(document.paths).filter((p) => p.includes('{orgId}'))) {
        if (!('get' in document.paths[template]!)) continue
        const url = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!)
        const own = await api('GET', url, ownKey)
        assert.equal(own.status, 200, `GET ${template} with the organization's own key`)
      }
    })
  })
}
