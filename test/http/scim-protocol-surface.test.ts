import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  assertScimError,
  assertScimResponse,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  entraCreateBody,
  LIST_RESPONSE_SCHEMA,
  MODERNLOOP_USER_SCHEMA,
  ScimClient,
  SCIM_BASE,
  uniqueUserName,
  type ListBody,
  type ScimUserBody,
} from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

type Document = Record<string, unknown>
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'

for (const dialect of DIALECTS) {
  describe(`${dialect}: the SCIM surface (discovery, health, media types, tenancy)`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    test('/ServiceProviderConfig describes PATCH, filter with its page limit, ETags and bearer auth (RFC 7643 §5)', async () => {
      for (const authorization of [undefined, `Bearer ${roster.token}`]) {
        const response = await roster.app.inject({ method: 'GET', url: `${SCIM_BASE}/ServiceProviderConfig`, headers: authorization ? { authorization } : {} })
        assertScimResponse(response, 200)
        const config = response.json<Document & Record<string, Document>>()
        assert.deepEqual(config.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'])
        assert.equal(config.patch?.supported, true)
        assert.equal(config.filter?.supported, true)
        assert.equal(config.filter?.maxResults, roster.config.maxPageSize)
        assert.equal(config.etag?.supported, true)
        // RFC 9865 §4: both ways of paging, index by default, with the cursor lifetime.
        assert.deepEqual(config.pagination, {
          cursor: true,
          index: true,
          defaultPaginationMethod: 'index',
          defaultPageSize: roster.config.defaultPageSize,
          maxPageSize: roster.config.maxPageSize,
          cursorTimeout: 3600,
        })
        for (const feature of ['bulk', 'changePassword', 'sort']) assert.equal(typeof config[feature]?.supported, 'boolean', feature)
        const schemes = config.authenticationSchemes as unknown as Document[]
        assert.ok(schemes.some((scheme) => scheme.type === 'oauthbearertoken'))
      }
    })

    test('/ResourceTypes lists User at /Users with both extensions optional, and /ResourceTypes/User reads it', async () => {
      const response = await entra.get('/ResourceTypes')
      assertScimResponse(response, 200)
      const list = response.json<ListBody<Document>>()
      assert.deepEqual(list.schemas, [LIST_RESPONSE_SCHEMA])
      assert.equal(list.totalResults, list.Resources.length)
      const user = list.Resources.find((r) => r.name === 'User')
      assert.ok(user)
      assert.equal(user.endpoint, '/Users')
      assert.equal(user.schema, CORE_USER_SCHEMA)
      assert.deepEqual(
        (user.schemaExtensions as Document[]).map((e) => [e.schema, e.required]).sort(),
        [[ENTERPRISE_USER_SCHEMA, false], [MODERNLOOP_USER_SCHEMA, false]].sort(),
      )
      const one = await entra.get('/ResourceTypes/User')
      assertScimResponse(one, 200)
      assert.equal(one.json<Document>().endpoint, '/Users')
      assertScimError(await entra.get('/ResourceTypes/Printer'), 404)
    })

    test('/Schemas holds core User, Group, enterprise User and Roster\'s extension with modernloopRole', async () => {
      const response = await entra.get('/Schemas')
      assertScimResponse(response, 200)
      const schemas = response.json<ListBody<Document>>().Resources
      assert.deepEqual(schemas.map((s) => s.id).sort(), [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, MODERNLOOP_USER_SCHEMA].sort())
      const extension = schemas.find((s) => s.id === MODERNLOOP_USER_SCHEMA)!
      const role = (extension.attributes as Document[]).find((a) => a.name === 'modernloopRole')
      assert.ok(role, 'the extension schema declares modernloopRole')
      assert.equal(role.type, 'string')
      assert.deepEqual(role.canonicalValues, ['ADMIN', 'SCHEDULER', 'INTERVIEWER'])
      const core = schemas.find((s) => s.id === CORE_USER_SCHEMA)!
      const userName = (core.attributes as Document[]).find((a) => a.name === 'userName')!
      assert.equal(userName.required, true)
      assert.equal(userName.uniqueness, 'server')
      const single = await entra.get(`/Schemas/${MODERNLOOP_USER_SCHEMA}`)
      assertScimResponse(single, 200)
      assert.equal(single.json<Document>().id, MODERNLOOP_USER_SCHEMA)
      assertScimError(await entra.get('/Schemas/urn:nothing:here'), 404)
    })

    test('/healthz answers 200 while the database answers', async () => {
      const response = await roster.app.inject({ method: 'GET', url: '/healthz' })
      assert.equal(response.statusCode, 200)
    })

    test('/healthz answers 503 once the database stops answering', async () => {
      const broken = await createTestApp(dialect)
      try {
        await broken.store.close()
        const response = await broken.app.inject({ method: 'GET', url: '/healthz' })
        assert.equal(response.statusCode, 503)
      } finally {
        await broken.app.close()
      }
    })

    test('bodies are read as application/json and as application/scim+json with or without charset; answers are scim+json', async () => {
      for (const contentType of ['application/json', 'application/json; charset=utf-8', 'application/scim+json', 'application/scim+json; charset=utf-8', 'application/scim+json;charset=UTF-8']) {
        const response = await entra.send('POST', '/Users', entraCreateBody(uniqueUserName('media')), { 'content-type': contentType })
        assertScimResponse(response, 201)
        const id = response.json<ScimUserBody>().id
        const patch = await entra.send('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: contentType }] }, { 'content-type': contentType })
        assertScimResponse(patch, 200)
        assert.equal(patch.json<ScimUserBody>().title, contentType)
      }
    })

    test('every success response of /Users is application/scim+json', async () => {
      const created = await entra.createUser()
      for (const response of [
        await entra.get(`/Users/${created.id}`),
        await entra.get('/Users'),
        await entra.send('PUT', `/Users/${created.id}`, entraCreateBody(created.userName)),
        await entra.patchUser(created.id, { op: 'replace', path: 'title', value: 'x' }),
      ]) {
        assertScimResponse(response, 200)
      }
    })

    test('a GET or DELETE that carries a Content-Type header but no body is served normally', async () => {
      const created = await entra.createUser()
      assertScimResponse(await entra.get(`/Users/${created.id}`, { 'content-type': 'application/json' }), 200)
      const deleted = await roster.app.inject({
        method: 'DELETE',
        url: `${SCIM_BASE}/Users/${created.id}`,
        headers: { authorization: `Bearer ${roster.token}`, 'content-type': 'application/scim+json; charset=utf-8', 'content-length': '0' },
      })
      assert.equal(deleted.statusCode, 204, deleted.body)
    })

    test('tenancy: another organization\'s user is 404 by id for every method and its data is untouched', async () => {
      const other = await roster.createOrg('Other Corp')
      const theirs = await new ScimClient(roster.app, other.token).createUser(entraCreateBody(uniqueUserName('theirs')))
      assertScimError(await entra.get(`/Users/${theirs.id}`), 404)
      assertScimError(await entra.patchUser(theirs.id, { op: 'Replace', path: 'active', value: 'False' }), 404)
      assertScimError(await entra.send('PUT', `/Users/${theirs.id}`, entraCreateBody(theirs.userName)), 404)
      assertScimError(await entra.send('DELETE', `/Users/${theirs.id}`), 404)
      const stillThere = await new ScimClient(roster.app, other.token).getUser(theirs.id)
      assert.deepEqual(stillThere, theirs)
    })

    test('tenancy: another organization\'s users never appear in lists, filters or searches', async () => {
      const other = await roster.createOrg('Third Corp')
      const theirs = await new ScimClient(roster.app, other.token).createUser(entraCreateBody(uniqueUserName('hidden')))
      await entra.createUser()
      const all = await entra.list(`count=${roster.config.maxPageSize}`)
      assert.ok(all.totalResults <= roster.config.maxPageSize, 'the whole organization fits in one page here')
      assert.ok(!all.Resources.some((u) => u.id === theirs.id))
      for (const expression of [`userName eq "${theirs.userName}"`, `id eq "${theirs.id}"`, `externalId eq "${theirs.externalId}"`, `userName sw "hidden"`]) {
        assert.equal((await entra.findUsers(expression)).totalResults, 0, expression)
      }
      const search = await entra.send('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `id eq "${theirs.id}"` })
      assert.equal(search.json<ListBody>().totalResults, 0)
    })

    test('tenancy: the same userName can exist once in each organization', async () => {
      const userName = uniqueUserName('shared')
      const other = await roster.createOrg('Fourth Corp')
      const mine = await entra.createUser(entraCreateBody(userName))
      const theirs = await new ScimClient(roster.app, other.token).createUser(entraCreateBody(userName.toUpperCase()))
      assert.notEqual(mine.id, theirs.id)
      assert.deepEqual((await entra.findUsers(`userName eq "${userName}"`)).Resources.map((u) => u.id), [mine.id])
    })
  })
}

describe('endpoints Roster leaves out', () => {
  test('/Bulk and /Me answer 501 with a SCIM error that says what to do instead (RFC 7644 §3.7, §3.11)', async () => {
    const roster = await createTestApp('sqlite')
    try {
      for (const [method, url] of [['POST', '/Bulk'], ['GET', '/Me']] as const) {
        const response = await roster.app.inject({ method, url: `/org/scim/v2${url}`, headers: { authorization: `Bearer ${roster.token}` } })
        assert.equal(response.statusCode, 501)
        assert.match(String(response.headers['content-type']), /application\/scim\+json/)
        const body = response.json()
        assert.equal(body.status, '501')
        assert.match(body.detail, url === '/Bulk' ? /one request per resource/ : /organization/)
      }
    } finally {
      await roster.close()
    }
  })
})

describe('a mistyped Tenant URL', () => {
  test('gets a 404 SCIM error that says what the Tenant URL must be', async () => {
    const roster = await createTestApp('sqlite')
    try {
      const headers = { authorization: `Bearer ${roster.token}` }
      const probe = 'filter=userName+eq+%22cf4d78e8-cc4f-4d5d-b8b9-183561c0104a%22'
      const cases: [string, RegExp][] = [
        [`/scim/v2/Users?${probe}`, /must be https:\/\/roster\.test\/org\/scim\/v2 exactly/],
        [`/Users?${probe}`, /must be https:\/\/roster\.test\/org\/scim\/v2 exactly/],
        [`/org/scim/v2/Users/Users?${probe}`, /ends with \/Users; remove it/],
        [`/org/scim/v2/Groups/Groups?excludedAttributes=members`, /ends with \/Groups; remove it/],
      ]
      for (const [url, detail] of cases) {
        const response = await roster.app.inject({ method: 'GET', url, headers })
        assert.equal(response.statusCode, 404, url)
        assert.match(String(response.headers['content-type']), /application\/scim\+json/)
        assert.match(response.json().detail, detail, url)
      }
    } finally {
      await roster.close()
    }
  })
})
