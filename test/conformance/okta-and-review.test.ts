import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { entraCreateBody, patchBody, ScimClient, uniqueUserName } from './support/scim-client.js'

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'

// Shapes from Okta's SCIM 2.0 reference and from a review of Roster against real clients.
for (const dialect of DIALECTS) {
  describe(`${dialect}: Okta's shapes and reviewed edge cases`, () => {
    let roster: TestApp
    let client: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      client = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    test('Okta renames a group with a path-less replace that echoes the group id: 204 and renamed', async () => {
      const created = await client.send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Okta ${uniqueUserName('g')}` })
      assert.equal(created.statusCode, 201)
      const id = created.json().id as string
      const renamed = await client.send('PATCH', `/Groups/${id}`, patchBody({ op: 'replace', value: { id, displayName: 'Okta Group Renamed' } }))
      assert.equal(renamed.statusCode, 204, renamed.body)
      assert.equal((await client.send('GET', `/Groups/${id}`)).json().displayName, 'Okta Group Renamed')
    })

    test('a path-less user replace that echoes id and meta changes the rest and keeps the id', async () => {
      const user = await client.createUser()
      const patched = await client.patchUserOk(user.id, { op: 'replace', value: { id: user.id, meta: user.meta, title: 'Engineer' } })
      assert.equal(patched.id, user.id)
      assert.equal(patched.title, 'Engineer')
      const explicit = await client.send('PATCH', `/Users/${user.id}`, patchBody({ op: 'replace', path: 'id', value: 'usr_other' }))
      assert.equal(explicit.statusCode, 400)
      assert.equal(explicit.json().scimType, 'mutability')
    })

    test('a lower role added through roles (AppRoleAssignmentsComplex only adds) replaces the stale higher one', async () => {
      const user = await client.createUser(entraCreateBody(uniqueUserName('roles'), { roles: [{ primary: true, value: 'ML_SCHEDULER' }] }))
      assert.equal(user.modernloopRole, 'SCHEDULER')
      const lowered = await client.patchUserOk(user.id, { op: 'Add', path: 'roles', value: [{ value: JSON.stringify({ id: 'r1', value: 'ML_INTERVIEWER', displayName: 'ML_INTERVIEWER' }) }] })
      assert.equal(lowered.modernloopRole, 'INTERVIEWER')
      const again = await client.patchUserOk(user.id, { op: 'Add', path: 'roles', value: [{ primary: true, value: 'ML_SCHEDULER' }] })
      assert.equal(again.modernloopRole, 'INTERVIEWER', 're-adding an element already present says nothing new')
      const raised = await client.patchUserOk(user.id, { op: 'Add', path: 'roles', value: [{ value: 'ML_ADMIN' }] })
      assert.equal(raised.modernloopRole, 'ADMIN')
      const replaced = await client.patchUserOk(user.id, { op: 'replace', path: 'roles', value: [{ display: 'User', value: 'User' }, { display: 'ML_SCHEDULER', value: 'ML_SCHEDULER' }] })
      assert.equal(replaced.modernloopRole, 'SCHEDULER', 'a replace states the whole set')
    })

    test('a user created without active reads back active, and a PUT without active keeps a disabled user disabled', async () => {
      const userName = uniqueUserName('active')
      const created = await client.createUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName })
      assert.equal(created.active, true)
      await client.patchUserOk(created.id, { op: 'Replace', path: 'active', value: 'False' })
      const put = await client.send('PUT', `/Users/${created.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, title: 'Still here' })
      assert.equal(put.statusCode, 200, put.body)
      assert.equal(put.json().active, false)
      assert.equal((await client.findUsers(`userName eq "${userName}" and active eq false`)).totalResults, 1)
      const enabled = await client.send('PUT', `/Users/${created.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true })
      assert.equal(enabled.json().active, true)
    })
  })
}

describe('entity tags (RFC 7644 §3.14)', () => {
  test('If-Match accepts a list naming the current version; If-None-Match with the current version is 304', async () => {
    const roster = await createTestApp('sqlite')
    try {
      const client = new ScimClient(roster.app, roster.token)
      const user = await client.createUser()
      const etag = user.meta.version!
      const stale = await client.send('PATCH', `/Users/${user.id}`, patchBody({ op: 'replace', path: 'title', value: 'A' }), { 'if-match': 'W/"99"' })
      assert.equal(stale.statusCode, 412)
      const listed = await client.send('PATCH', `/Users/${user.id}`, patchBody({ op: 'replace', path: 'title', value: 'B' }), { 'if-match': `W/"98", ${etag}` })
      assert.equal(listed.statusCode, 200, listed.body)
      const current = listed.json().meta.version as string
      const notModified = await client.send('GET', `/Users/${user.id}`, undefined, { 'if-none-match': current })
      assert.equal(notModified.statusCode, 304)
      assert.equal(notModified.body, '')
      assert.equal(notModified.headers.etag, current)
      const modified = await client.send('GET', `/Users/${user.id}`, undefined, { 'if-none-match': etag })
      assert.equal(modified.statusCode, 200)
      assert.equal(modified.json().title, 'B')
    } finally {
      await roster.close()
    }
  })
})

describe('bodies that are not JSON', () => {
  test('say where the JSON broke, and name a refused prototype key', async () => {
    const roster = await createTestApp('sqlite')
    try {
      const headers = { authorization: `Bearer ${roster.token}`, 'content-type': 'application/scim+json; charset=utf-8' }
      const broken = await roster.app.inject({ method: 'POST', url: '/org/scim/v2/Users', headers, payload: '{"userName": "x",}' })
      assert.equal(broken.statusCode, 400)
      assert.equal(broken.json().scimType, 'invalidSyntax')
      assert.match(broken.json().detail, /not valid JSON: .*position \d+/)
      const poisoned = await roster.app.inject({ method: 'POST', url: '/org/scim/v2/Users', headers, payload: '{"userName":"x","__proto__":{"admin":true}}' })
      assert.equal(poisoned.statusCode, 400)
      assert.match(poisoned.json().detail, /__proto__/)
    } finally {
      await roster.close()
    }
  })
})
