import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'

for (const dialect of DIALECTS) {
  describe(`${dialect}: /api/v1`, () => {
    let t: TestApp
    let api: ReturnType<typeof apiClient>
    let validator: OpenApiValidator
    let keys: ApiKeys
    let platformKey: string
    let orgKey: string
    let groupId: string
    const userIds: string[] = []

    before(async () => {
      t = await createTestApp(dialect)
      validator = await OpenApiValidator.load(t.app)
      api = apiClient(t.app, validator)
      keys = new ApiKeys(t.store, systemClock)
      platformKey = (await keys.create(null)).key
      orgKey = (await keys.create(t.orgId)).key
      for (const name of ['ann', 'bob', 'cy']) {
        const user = await t.app.inject({ method: 'POST', url: '/org/scim/v2/Users', headers: scimHeaders(t.token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${name}@acme.test` } })
        userIds.push(user.json().id)
      }
      const group = await t.app.inject({
        method: 'POST',
        url: '/org/scim/v2/Groups',
        headers: scimHeaders(t.token),
        payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: userIds.map((value) => ({ value })) },
      })
      groupId = group.json().id
    })
    after(() => t.close())

    it('answers 401 problem+json without a key, with a bad key, and with a SCIM token', async () => {
      for (const key of [undefined, 'rostk_nope', t.token]) {
        const response = await api('GET', `/api/v1/organizations/${t.orgId}`, key)
        assert.equal(response.status, 401)
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/)
        assert.equal(response.body.type, 'urn:roster:problem:unauthorized')
        assert.match(response.body.detail, /API key/)
        assert.equal(response.headers['www-authenticate'], 'Bearer realm="Roster API"')
      }
    })

    it('lets a platform key create, list, rename and delete organizations; an organization key gets 403 on the collection', async () => {
      const created = await api('POST', '/api/v1/organizations', platformKey, { name: '  Globex  ' })
      assert.equal(created.status, 201)
      assert.equal(created.body.name, 'Globex')
      assert.match(created.body.id, /^org_/)
      assert.equal((await api('POST', '/api/v1/organizations', orgKey, { name: 'Nope' })).status, 403)
      const forbidden = await api('GET', '/api/v1/organizations', orgKey)
      assert.equal(forbidden.status, 403)
      assert.equal(forbidden.body.type, 'urn:roster:problem:forbidden')
      assert.match(forbidden.body.detail, /platform API key/)

      const renamed = await api('PATCH', `/api/v1/organizations/${created.body.id}`, platformKey, { name: 'Globex Corp' })
      assert.equal(renamed.body.name, 'Globex Corp')
      assert.equal((await api('GET', `/api/v1/organizations/${created.body.id}`, platformKey)).body.name, 'Globex Corp')
      assert.equal((await api('DELETE', `/api/v1/organizations/${created.body.id}`, platformKey)).status, 204)
      assert.equal((await api('GET', `/api/v1/organizations/${created.body.id}`, platformKey)).status, 404)
      assert.equal((await api('DELETE', `/api/v1/organizations/${t.orgId}`, orgKey)).status, 403, 'an organization key cannot delete its organization')
    })

    it('pages organizations with an opaque cursor, every organization exactly once', async () => {
      for (let i = 0; i < 5; i++) await api('POST', '/api/v1/organizations', platformKey, { name: `Paged ${i}` })
      const seen: string[] = []
      let after: string | null = null
      for (let page = 0; page < 20; page++) {
        const response: { body: { data: Array<{ id: string }>; next: string | null } } = await api('GET', `/api/v1/organizations?limit=2${after ? `&after=${after}` : ''}`, platformKey)
        assert.ok(response.body.data.length <= 2)
        seen.push(...response.body.data.map((o) => o.id))
        after = response.body.next
        if (after === null) break
      }
      assert.equal(after, null, 'paging ended')
      assert.equal(new Set(seen).size, seen.length)
      assert.ok(seen.includes(t.orgId) && seen.length >= 6)
      const bad = await api('GET', '/api/v1/organizations?after=garbage', platformKey)
      assert.equal(bad.status, 400)
      assert.equal(bad.body.type, 'urn:roster:problem:invalid-cursor')
    })

    it('names the invalid field in validation problems', async () => {
      const missing = await api('POST', '/api/v1/organizations', platformKey, { })
      assert.equal(missing.status, 400)
      assert.deepEqual(missing.body.errors, [{ field: 'body.name', detail: 'is required' }])
      const tooBig = await api('GET', `/api/v1/organizations/${t.orgId}/groups?limit=100000`, orgKey)
      assert.equal(tooBig.status, 400)
      assert.equal(tooBig.body.errors[0].field, 'query.limit')
      assert.match(tooBig.body.detail, /query\.limit/)
      const notJson = await t.app.inject({ method: 'POST', url: '/api/v1/organizations', headers: { authorization: `Bearer ${platformKey}`, 'content-type': 'application/json' }, payload: '{"name":' })
      assert.equal(notJson.statusCode, 400)
      assert.equal(notJson.json().type, 'urn:roster:problem:invalid-request')
      const malformed = await t.app.inject({ method: 'GET', url: '/api/v1/organizations/%E0%A4%A', headers: { authorization: `Bearer ${platformKey}` } })
      assert.equal(malformed.statusCode, 400)
      assert.match(String(malformed.headers['content-type']), /^application\/problem\+json/)
      const unknown = await api('GET', '/api/v1/nothing-here', platformKey, undefined, { check: false })
      assert.equal(unknown.status, 404)
      assert.equal(unknown.body.type, 'urn:roster:problem:not-found')
    })

    it('reads settings, groups and members paged', async () => {
      const settings = await api('GET', `/api/v1/organizations/${t.orgId}/settings`, orgKey)
      assert.deepEqual(settings.body, { object: 'organization_settings', organization: t.orgId, id: t.orgId, name: 'Acme', roleManagement: 'scim' })
      const groups = await api('GET', `/api/v1/organizations/${t.orgId}/groups`, orgKey)
      assert.deepEqual(groups.body.data.map((g: { id: string }) => g.id), [groupId])
      assert.equal((await api('GET', `/api/v1/organizations/${t.orgId}/groups/${groupId}`, orgKey)).body.displayName, 'Engineering')
      const members: string[] = []
      let after: string | null = null
      for (let page = 0; page < 5; page++) {
        const response: { body: { data: Array<{ memberId: string }>; next: string | null } } = await api('GET', `/api/v1/organizations/${t.orgId}/groups/${groupId}/members?limit=2${after ? `&after=${after}` : ''}`, orgKey)
        members.push(...response.body.data.map((m) => m.memberId))
        after = response.body.next
        if (!after) break
      }
      assert.deepEqual(members.sort(), [...userIds].sort())
      const missing = await api('GET', `/api/v1/organizations/${t.orgId}/groups/grp_nothere`, orgKey)
      assert.equal(missing.status, 404)
      assert.equal(missing.body.type, 'urn:roster:problem:not-found')
    })

    it('creates a SCIM token whose secret is shown once and works on SCIM, lists it without the secret, and revokes it', async () => {
      const other = await api('POST', '/api/v1/organizations', platformKey, { name: 'Token Org' })
      const created = await api('POST', `/api/v1/organizations/${other.body.id}/scim-tokens`, platformKey)
      assert.equal(created.status, 201)
      assert.match(created.body.token, /^scimtok_/)
      const probe = await t.app.inject({ method: 'GET', url: '/org/scim/v2/Users', headers: scimHeaders(created.body.token) })
      assert.equal(probe.statusCode, 200)
      const list = await api('GET', `/api/v1/organizations/${other.body.id}/scim-tokens`, platformKey)
      assert.equal(list.body.data.length, 1)
      assert.ok(!JSON.stringify(list.body).includes(created.body.token.split('.')[1]))
      const revoked = await api('POST', `/api/v1/organizations/${other.body.id}/scim-tokens/${created.body.id}/revoke`, platformKey)
      assert.equal(revoked.body.active, false)
      assert.equal((await t.app.inject({ method: 'GET', url: '/org/scim/v2/Users', headers: scimHeaders(created.body.token) })).statusCode, 401)
      assert.equal((await api('POST', `/api/v1/organizations/${other.body.id}/scim-tokens/${created.body.id}/revoke`, platformKey)).status, 404)
      await api('POST', `/api/v1/organizations/${other.body.id}/scim-tokens`, platformKey)
      await api('POST', `/api/v1/organizations/${other.body.id}/scim-tokens`, platformKey)
      const third = await api('POST', `/api/v1/organizations/${other.body.id}/scim-tokens`, platformKey)
      assert.equal(third.status, 409)
      assert.equal(third.body.type, 'urn:roster:problem:conflict')
    })

    it('manages webhook endpoints: field-level validation, filters, and no secret after creation', async () => {
      const base = `/api/v1/organizations/${t.orgId}/webhooks`
      const bad = await api('POST', base, orgKey, { url: 'https://hooks.example.com/roster', eventTypes: ['group.created', 'group.exploded'] })
      assert.equal(bad.status, 400)
      assert.equal(bad.body.errors[0].field, 'body.eventTypes.1')
      const created = await api('POST', base, orgKey, { url: 'https://hooks.example.com/roster', eventTypes: ['group.created'] })
      assert.equal(created.status, 201)
      assert.deepEqual(created.body.endpoint.eventTypes, ['group.created'])
      const changed = await api('PATCH', `${base}/${created.body.id}`, orgKey, { eventTypes: null, url: 'https://hooks.example.com/v2' })
      assert.equal(changed.body.eventTypes, null)
      assert.equal(changed.body.url, 'https://hooks.example.com/v2')
      const listed = await api('GET', base, orgKey)
      assert.ok(listed.body.data.some((e: { id: string }) => e.id === created.body.id))
      assert.ok(!JSON.stringify(listed.body).includes(created.body.secret), 'the secret is shown only at creation')
      assert.equal((await api('DELETE', `${base}/${created.body.id}`, orgKey)).status, 204)
      assert.equal((await api('GET', `${base}/${created.body.id}`, orgKey)).status, 404)
    })

    it('refuses a revoked key on the very next request', async () => {
      const issued = await keys.create(t.orgId)
      assert.equal((await api('GET', `/api/v1/organizations/${t.orgId}`, issued.key)).status, 200)
      await keys.revoke(issued.record.id)
      const refused = await api('GET', `/api/v1/organizations/${t.orgId}`, issued.key)
      assert.equal(refused.status, 401)
      assert.match(refused.body.detail, /revoked/)
    })

    it('serves the OpenAPI 3.1 document and the docs page without a key, with local assets only', async () => {
      const docs = await t.app.inject({ method: 'GET', url: '/api/docs' })
      assert.equal(docs.statusCode, 200)
      assert.ok(!/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(js|css)/.test(docs.body), 'no asset from another host')
      const bundle = await t.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' })
      assert.equal(bundle.statusCode, 200)
      assert.ok(validator.checked > 10, 'responses were validated against the document')
    })
  })
}
