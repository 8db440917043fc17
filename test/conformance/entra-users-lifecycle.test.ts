import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import {
  assertScimError,
  assertScimResponse,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  entraCreateBody,
  LIST_RESPONSE_SCHEMA,
  ScimClient,
  uniqueUserName,
  type ListBody,
  type ScimUserBody,
} from './support/scim-client.js'

// Field guide (../shared/entra-scim-wire.md) §1 request sequence, §3 responses and the §5 user cases about
// discovery, create, lookup, soft delete and hard delete. PATCH shapes: entra-users-patch; roles: entra-roles.
for (const dialect of DIALECTS) {
  describe(`${dialect}: Entra provisions users through their lifecycle`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    test('§5 #1 the Test Connection probe for a random GUID userName is 200 with an empty ListResponse', async () => {
      const response = await entra.get(`/Users?filter=userName+eq+%22${randomUUID()}%22`)
      assertScimResponse(response, 200)
      const body = response.json<ListBody>()
      assert.deepEqual(body.schemas, [LIST_RESPONSE_SCHEMA])
      assert.equal(body.totalResults, 0)
      assert.deepEqual(body.Resources, [])
      assert.equal(body.startIndex, 1)
      assert.equal(typeof body.itemsPerPage, 'number')
    })

    test('§1.3 a provisioning run (probe, lookup by UPN, POST, PATCH by the cached id) works end to end', async () => {
      const upn = uniqueUserName('run')
      assert.equal((await entra.findUsers(`userName eq "${randomUUID()}"`)).totalResults, 0)
      assert.equal((await entra.findUsers(`userName eq "${upn}"`)).totalResults, 0)
      const created = await entra.createUser(entraCreateBody(upn))
      const found = await entra.findUsers(`userName eq "${upn}"`)
      assert.deepEqual(found.Resources.map((u) => u.id), [created.id])
      const patched = await entra.patchUserOk(created.id, { op: 'Replace', path: 'displayName', value: 'Run User' })
      assert.equal(patched.displayName, 'Run User')
    })

    test('§1.4 §5 #3 the documented create request sent as scim+json with charset is 201 with id, schemas, meta and every value as sent', async () => {
      const userName = `Test_User_${randomUUID()}` // mixed case: stored exactly as sent, no normalisation
      const body = entraCreateBody(userName)
      const response = await entra.send('POST', '/Users', body, { 'content-type': 'application/scim+json; charset=utf-8' })
      assertScimResponse(response, 201)
      const user = response.json<ScimUserBody>()
      assert.match(user.id, /\S/)
      assert.ok(user.schemas.includes(CORE_USER_SCHEMA))
      assert.equal(user.userName, userName)
      assert.equal(user.externalId, body.externalId)
      assert.equal(user.active, true)
      assert.deepEqual(user.name, body.name)
      assert.deepEqual(user.emails, body.emails)
      assert.equal(user.meta.resourceType, 'User')
      assert.ok(!Number.isNaN(Date.parse(user.meta.created)) && !Number.isNaN(Date.parse(user.meta.lastModified)))
      assert.equal(user.meta.location, `https://roster.test/org/scim/v2/Users/${user.id}`)
      assert.equal(response.headers.location, user.meta.location)
      const read = await entra.getUser(user.id)
      assert.equal(read.userName, userName)
      assert.deepEqual(read.emails, body.emails)
    })

    test('§1.4 the older create example with JSON nulls and the typo schema URI "…enterprise:2.0User" is 201', async () => {
      const userName = uniqueUserName('nulls')
      const response = await entra.send('POST', '/Users', {
        active: true,
        addresses: null,
        displayName: 'Test User',
        emails: [{ primary: true, type: 'work', value: `w.${userName}` }, { type: 'home', value: `h.${userName}` }],
        externalId: randomUUID(),
        meta: { resourceType: 'User' },
        name: { familyName: 'User', givenName: 'Test' },
        phoneNumbers: null,
        preferredLanguage: null,
        schemas: [CORE_USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
        title: null,
        department: null,
        manager: null,
        userName,
      })
      assertScimResponse(response, 201)
      const user = await entra.getUser(response.json<ScimUserBody>().id)
      assert.equal(user.userName, userName)
      assert.equal(user.displayName, 'Test User')
      assert.equal(user.emails?.length, 2)
    })

    test('§4 [PM] a create with active as the string "True" stores the boolean true', async () => {
      const created = await entra.createUser(entraCreateBody(uniqueUserName('strtrue'), { active: 'True' }))
      assert.equal(created.active, true)
      assert.equal((await entra.getUser(created.id)).active, true)
    })

    test('§5 #16 a create with unmapped default attributes, unknown attributes and nulls is 201 and keeps what Roster knows', async () => {
      const userName = uniqueUserName('defaults')
      const created = await entra.createUser({
        schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        userName,
        active: true,
        title: 'Engineer',
        preferredLanguage: 'en-US',
        addresses: [{ type: 'work', locality: 'Redmond', country: 'US', formatted: null }],
        phoneNumbers: [{ type: 'work', value: '+1 425 555 0100' }, { type: 'mobile', value: null }],
        nickName: null,
        favouriteColour: 'teal',
        'urn:ietf:params:scim:schemas:extension:somevendor:2.0:User': { badgeId: '17' },
        [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', employeeNumber: '701984', manager: null, costCenter: null },
      })
      const user = await entra.getUser(created.id)
      assert.equal(user.title, 'Engineer')
      assert.equal(user.preferredLanguage, 'en-US')
      assert.equal((user.addresses as Record<string, unknown>[])[0]?.locality, 'Redmond')
      const enterprise = user[ENTERPRISE_USER_SCHEMA] as Record<string, unknown>
      assert.equal(enterprise.department, 'Sales')
      assert.equal(enterprise.employeeNumber, '701984')
    })

    test('§1.4 Entra can match on externalId and on emails[type eq "work"].value', async () => {
      const body = entraCreateBody(uniqueUserName('match'))
      const created = await entra.createUser(body)
      const byExternalId = await entra.findUsers(`externalId eq "${String(body.externalId)}"`)
      assert.deepEqual(byExternalId.Resources.map((u) => u.id), [created.id])
      const workEmail = created.emails?.[0]?.value
      const byEmail = await entra.findUsers(`emails[type eq "work"].value eq "${workEmail}"`)
      assert.deepEqual(byEmail.Resources.map((u) => u.id), [created.id])
    })

    test('§5 #12 a userName filter matches whatever the case of the value and of the attribute name', async () => {
      const userName = uniqueUserName('alice')
      const created = await entra.createUser(entraCreateBody(userName))
      for (const expression of [`userName eq "${userName.toUpperCase()}"`, `USERNAME eq "${userName}"`, `UserName EQ "${userName.toUpperCase()}"`]) {
        const found = await entra.findUsers(expression)
        assert.deepEqual(found.Resources.map((u) => u.id), [created.id], expression)
        assert.equal(found.totalResults, 1)
      }
    })

    test('§5 #13 a second POST with the same userName, in any case, is 409 uniqueness with a SCIM error body', async () => {
      const userName = uniqueUserName('dup')
      await entra.createUser(entraCreateBody(userName))
      for (const again of [userName, userName.toUpperCase()]) {
        const response = await entra.send('POST', '/Users', entraCreateBody(again))
        const error = assertScimError(response, 409, 'uniqueness')
        assert.deepEqual(Object.keys(error).sort(), ['detail', 'schemas', 'scimType', 'status'])
      }
      assert.equal((await entra.findUsers(`userName eq "${userName}"`)).totalResults, 1)
    })

    test('§5 #13 renaming a user onto another userName (in another case) by PATCH or PUT is 409 uniqueness', async () => {
      const taken = uniqueUserName('taken')
      await entra.createUser(entraCreateBody(taken))
      const other = await entra.createUser(entraCreateBody(uniqueUserName('other')))
      assertScimError(await entra.patchUser(other.id, { op: 'Replace', path: 'userName', value: taken.toUpperCase() }), 409, 'uniqueness')
      assertScimError(await entra.send('PUT', `/Users/${other.id}`, entraCreateBody(taken.toUpperCase())), 409, 'uniqueness')
      assert.equal((await entra.getUser(other.id)).userName, other.userName)
    })

    test('§1.6 §5 #14 a disabled user stays visible by id and by userName filter, marked inactive', async () => {
      const userName = uniqueUserName('disabled')
      const created = await entra.createUser(entraCreateBody(userName))
      const disabled = await entra.patchUserOk(created.id, { op: 'Replace', path: 'active', value: 'False' })
      assert.equal(disabled.active, false)
      const found = await entra.findUsers(`userName eq "${userName}"`)
      assert.equal(found.totalResults, 1)
      assert.equal(found.Resources[0]?.active, false)
      assert.equal(found.Resources[0]?.id, created.id)
      const byActive = await entra.findUsers(`userName eq "${userName}" and active eq false`)
      assert.equal(byActive.totalResults, 1)
    })

    test('§1.6 §5 #15 a disabled user is re-enabled by Replace active "True"', async () => {
      const created = await entra.createUser()
      await entra.patchUserOk(created.id, { op: 'Replace', path: 'active', value: 'False' })
      const response = await entra.patchUser(created.id, { op: 'Replace', path: 'active', value: 'True' })
      assertScimResponse(response, 200)
      assert.equal(response.json<ScimUserBody>().active, true)
      assert.equal((await entra.getUser(created.id)).active, true)
    })

    test('§1.7 §5 #28 DELETE answers 204, then the user is 404 for GET, PATCH and a second DELETE', async () => {
      const userName = uniqueUserName('deleted')
      const created = await entra.createUser(entraCreateBody(userName))
      const deleted = await entra.send('DELETE', `/Users/${created.id}`)
      assert.equal(deleted.statusCode, 204)
      assert.equal(deleted.body, '')
      assertScimError(await entra.get(`/Users/${created.id}`), 404)
      assertScimError(await entra.patchUser(created.id, { op: 'Replace', path: 'active', value: 'False' }), 404)
      assertScimError(await entra.send('DELETE', `/Users/${created.id}`), 404)
      assert.equal((await entra.findUsers(`userName eq "${userName}"`)).totalResults, 0)
    })

    test('§1.7 deleting a user that never existed is 404', async () => {
      assertScimError(await entra.send('DELETE', `/Users/${randomUUID()}`), 404)
    })

    test('§1.7 a userName is free again once its user is hard-deleted', async () => {
      const userName = uniqueUserName('reuse')
      const first = await entra.createUser(entraCreateBody(userName))
      assert.equal((await entra.send('DELETE', `/Users/${first.id}`)).statusCode, 204)
      const second = await entra.createUser(entraCreateBody(userName))
      assert.notEqual(second.id, first.id)
    })

    test('§5 #30 the aadOptscim062020 flag on the URL is ignored and the rest of the request honoured', async () => {
      const userName = uniqueUserName('flag')
      const post = await entra.send('POST', '/Users?aadOptscim062020', entraCreateBody(userName))
      assertScimResponse(post, 201)
      const id = post.json<ScimUserBody>().id
      const found = await entra.get(`/Users?aadOptscim062020&filter=userName+eq+%22${encodeURIComponent(userName)}%22`)
      assertScimResponse(found, 200)
      assert.deepEqual(found.json<ListBody>().Resources.map((u) => u.id), [id])
      assertScimResponse(await entra.send('PATCH', `/Users/${id}?aadOptscim062020`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }), 200)
      assert.equal((await entra.getUser(id)).active, false)
      assert.equal((await entra.get(`/Users/${id}?aadOptscim062020`)).statusCode, 200)
    })

    test('§3.2 every resource of a ListResponse carries id and meta, and the ListResponse all its members', async () => {
      await entra.createUser()
      const list = await entra.list('count=5')
      assert.deepEqual(list.schemas, [LIST_RESPONSE_SCHEMA])
      assert.ok(list.totalResults >= 1)
      assert.equal(list.startIndex, 1)
      assert.equal(list.itemsPerPage, list.Resources.length)
      for (const user of list.Resources) {
        assert.match(user.id, /\S/)
        assert.equal(user.meta.resourceType, 'User')
        assert.ok(user.meta.created && user.meta.lastModified && user.meta.location)
      }
    })

    test('§5 #4 a request without a User-Agent header over real HTTP gets a normal SCIM answer', async () => {
      const address = await roster.app.listen({ host: '127.0.0.1', port: 0 }).then(() => roster.app.server.address() as AddressInfo)
      const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const outgoing = httpRequest(
          { host: '127.0.0.1', port: address.port, path: `/org/scim/v2/Users?filter=userName+eq+%22${randomUUID()}%22`, headers: { authorization: `Bearer ${roster.token}` } },
          (incoming) => {
            let body = ''
            incoming.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
            incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, type: String(incoming.headers['content-type']), body }))
          },
        )
        outgoing.setTimeout(5000, () => outgoing.destroy(new Error('timed out')))
        outgoing.on('error', reject)
        assert.equal(outgoing.getHeader('user-agent'), undefined)
        outgoing.end()
      })
      assert.equal(answer.status, 200, answer.body)
      assert.match(answer.type, /^application\/scim\+json/)
      assert.equal((JSON.parse(answer.body) as ListBody).totalResults, 0)
    })
  })
}
