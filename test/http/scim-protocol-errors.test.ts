import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { systemClock } from '../../src/lib/clock.js'
import {
  assertScimError,
  assertScimResponse,
  entraCreateBody,
  PATCH_OP_SCHEMA,
  ScimClient,
  SCIM_BASE,
  uniqueUserName,
  type ScimUserBody,
} from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** A syntactically valid JWT, as Entra sends when the Secret Token field is left empty (field guide §1.1). */
const ENTRA_JWT =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI4YWRmOGU2ZS02N2IyLTRjZjItYTI1OS1lM2RjNTQ3NmM2MjEiLCJpc3MiOiJodHRwczovL3N0cy53aW5kb3dzLm5ldC8ifQ.c2lnbmF0dXJl'

// RFC 7644 §3.12: every error is a SCIM Error body with the right status and scimType (issue 2, "Errors").
for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM errors`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    const probeWith = (authorization: string | undefined) =>
      roster.app.inject({ method: 'GET', url: `${SCIM_BASE}/Users?filter=userName+eq+%22x%22`, headers: authorization === undefined ? {} : { authorization } })

    test('a request without an Authorization header is 401 with a SCIM error and a Bearer challenge', async () => {
      const response = await probeWith(undefined)
      const error = assertScimError(response, 401)
      assert.match(String(response.headers['www-authenticate']), /^Bearer/)
      assert.match(error.detail, /Secret Token|Bearer/)
    })

    test('a malformed Authorization header is 401', async () => {
      for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', roster.token, `Bearer ${roster.token} extra`, 'Token abc']) {
        assertScimError(await probeWith(header), 401)
      }
    })

    test('an unknown token, well-formed or not, is 401 and never echoes the token', async () => {
      const forged = roster.token.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`)
      for (const token of [forged, 'scimtok_000000000000000000000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'not-a-roster-token']) {
        const response = await probeWith(`Bearer ${token}`)
        assertScimError(response, 401)
        assert.ok(!response.body.includes(token), 'the error must not echo the presented token')
      }
    })

    test('a JWT (Entra with an empty Secret Token) is 401 explaining what to paste', async () => {
      const error = assertScimError(await probeWith(`Bearer ${ENTRA_JWT}`), 401)
      assert.match(error.detail, /JWT|Secret Token/)
    })

    test('a revoked token is 401 while the organization\'s other token keeps working', async () => {
      const tokens = new ScimTokens(roster.store, systemClock)
      const second = await tokens.issue(roster.orgId)
      assertScimResponse(await probeWith(`Bearer ${second.token}`), 200)
      await tokens.revoke(roster.orgId, second.record.id)
      const error = assertScimError(await probeWith(`Bearer ${second.token}`), 401)
      assert.match(error.detail, /revoked/i)
      assertScimResponse(await probeWith(`Bearer ${roster.token}`), 200)
    })

    test('the bearer scheme name is case-insensitive (RFC 6750 §2.1)', async () => {
      assertScimResponse(await probeWith(`bearer ${roster.token}`), 200)
      assertScimResponse(await probeWith(`BEARER ${roster.token}`), 200)
    })

    test('an unknown id is 404 for GET, PUT, PATCH and DELETE', async () => {
      const id = `usr_${randomUUID()}`
      assertScimError(await entra.get(`/Users/${id}`), 404)
      assertScimError(await entra.send('PUT', `/Users/${id}`, entraCreateBody()), 404)
      assertScimError(await entra.patchUser(id, { op: 'Replace', path: 'active', value: 'False' }), 404)
      assertScimError(await entra.send('DELETE', `/Users/${id}`), 404)
    })

    test('an unknown endpoint under the Tenant URL is a SCIM 404', async () => {
      assertScimError(await entra.get('/Nonsense'), 404)
      assertScimError(await entra.get('/Users/a/b/c'), 404)
    })

    test('a body that is not JSON is 400 invalidSyntax', async () => {
      for (const body of ['{"userName": ', 'userName=alice', '{"userName":"a",}', "{'userName':'a'}"]) {
        assertScimError(await entra.send('POST', '/Users', body), 400, 'invalidSyntax')
        assertScimError(await entra.send('PATCH', `/Users/${randomUUID()}`, body), 400, 'invalidSyntax')
      }
    })

    test('an empty body with a JSON content type is 400 invalidSyntax', async () => {
      assertScimError(await entra.send('POST', '/Users', ''), 400, 'invalidSyntax')
    })

    test('a JSON body that is not an object is 400, not 500', async () => {
      for (const body of ['[]', '"alice"', '42', 'null', 'true', '[{"userName":"a"}]']) {
        const response = await entra.send('POST', '/Users', body)
        assert.equal(response.statusCode, 400, `${body}: ${response.body}`)
        assertScimError(response, 400, response.json<{ scimType?: string }>().scimType)
      }
    })

    test('a body larger than MAX_BODY_BYTES is 413 naming the limit', async () => {
      const big = entraCreateBody(uniqueUserName('big'), { title: 'x'.repeat(roster.config.maxBodyBytes + 1) })
      const error = assertScimError(await entra.send('POST', '/Users', big), 413)
      assert.ok(error.detail.includes(String(roster.config.maxBodyBytes)), error.detail)
    })

    test('a create without userName, or with an empty one, is 400 and stores nothing', async () => {
      const before = (await entra.list('count=0')).totalResults
      for (const body of [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true }, entraCreateBody(''), entraCreateBody('   ')]) {
        const response = await entra.send('POST', '/Users', body)
        assert.equal(response.statusCode, 400, response.body)
        assertScimError(response, 400, response.json<{ scimType?: string }>().scimType)
      }
      assert.equal((await entra.list('count=0')).totalResults, before)
    })

    test('a create with an attribute of the wrong type is 400 invalidValue where nothing sensible can be read, never 500', async () => {
      for (const overrides of [{ active: 'maybe' }, { userName: { first: 'a' } }, { name: ['Alice'] }]) {
        const response = await entra.send('POST', '/Users', entraCreateBody(uniqueUserName('typed'), overrides))
        assertScimError(response, 400, 'invalidValue')
      }
      for (const overrides of [{ userName: 42 }, { emails: 'a@b.c' }, { name: 'Alice' }, { displayName: 7 }]) {
        const response = await entra.send('POST', '/Users', entraCreateBody(uniqueUserName('typed'), overrides))
        if (response.statusCode !== 201) assertScimError(response, 400, 'invalidValue')
      }
    })

    test('malformed PATCH requests are 400 with the scimType RFC 7644 §3.5.2 gives them', async () => {
      const created = await entra.createUser()
      const patch = (body: unknown) => entra.send('PATCH', `/Users/${created.id}`, body)
      assertScimError(await patch({ schemas: [PATCH_OP_SCHEMA] }), 400, 'invalidSyntax')
      assertScimError(await patch({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'merge', path: 'title', value: 'x' }] }), 400, 'invalidSyntax')
      assertScimError(await patch({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove' }] }), 400, 'noTarget')
      assertScimError(await patch({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }), 400, 'invalidPath')
      assertScimError(await patch({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: 'not an object' }] }), 400, 'invalidSyntax')
      assertScimError(await patch({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: 'perhaps' }] }), 400, 'invalidValue')
      assert.deepEqual(await entra.getUser(created.id), created)
    })

    test('a PATCH error detail names the failing operation', async () => {
      const created = await entra.createUser()
      const error = assertScimError(
        await entra.patchUser(created.id, { op: 'Replace', path: 'displayName', value: 'ok' }, { op: 'Replace', path: 'active', value: 'perhaps' }),
        400,
        'invalidValue',
      )
      assert.match(error.detail, /active|Operations\[1\]/)
    })

    test('If-Match with the current ETag succeeds and a stale one is 412 (RFC 7644 §3.14)', async () => {
      const created = await entra.createUser()
      const read = await entra.get(`/Users/${created.id}`)
      const etag = String(read.headers.etag)
      assert.equal(etag, read.json<ScimUserBody>().meta.version)
      const body = { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'One' }] }
      const first = await entra.send('PATCH', `/Users/${created.id}`, body, { 'if-match': etag })
      assertScimResponse(first, 200)
      assert.notEqual(first.headers.etag, etag)
      assertScimError(await entra.send('PATCH', `/Users/${created.id}`, body, { 'if-match': etag }), 412)
      assertScimError(await entra.send('PUT', `/Users/${created.id}`, entraCreateBody(created.userName), { 'if-match': etag }), 412)
      assertScimError(await entra.send('DELETE', `/Users/${created.id}`, undefined, { 'if-match': etag }), 412)
      assertScimResponse(await entra.send('PATCH', `/Users/${created.id}`, body, { 'if-match': '*' }), 200)
      assertScimError(await entra.send('DELETE', `/Users/${created.id}`, undefined, { 'if-match': 'W/"999999"' }), 412)
      assert.equal((await entra.send('DELETE', `/Users/${created.id}`, undefined, { 'if-match': '*' })).statusCode, 204)
    })

    test('every error response is application/scim+json with status as a string', async () => {
      const responses = [
        await probeWith(undefined),
        await entra.get('/Users/missing'),
        await entra.send('POST', '/Users', '{'),
        await entra.get(`/Users?${entra.filterQuery('userName eq')}`),
      ]
      for (const response of responses) {
        assert.match(String(response.headers['content-type']), /^application\/scim\+json/)
        assert.equal(typeof response.json<{ status: unknown }>().status, 'string')
      }
    })
  })
}
