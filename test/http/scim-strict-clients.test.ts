import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { entraCreateBody, MODERNLOOP_USER_SCHEMA, patchBody, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { validateAgainstServedSchemas } from './support/served-schema-validator.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

for (const dialect of DIALECTS) {
  describe(`strict SCIM clients (${dialect})`, () => {
    let roster: TestApp
    let served: any[]
    const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
      roster.app.inject({ method, url: `/org/scim/v2${url}`, headers: scimHeaders(roster.token), ...(payload === undefined ? {} : { payload: payload as object }) })
    const assertValid = (resource: Record<string, unknown>, coreId: string) =>
      assert.deepEqual(validateAgainstServedSchemas(resource, served, coreId), [], JSON.stringify(resource))

    before(async () => {
      roster = await createTestApp(dialect)
      served = (await send('GET', '/Schemas')).json().Resources
    })
    after(() => roster.close())

    test('every User response validates against the served /Schemas, the top-level role copy included', async () => {
      const body = entraCreateBody(uniqueUserName('strict'), {
        schemas: [USER, ENTERPRISE, MODERNLOOP_USER_SCHEMA],
        [ENTERPRISE]: { employeeNumber: '42', department: 'R&D', manager: { value: 'boss' } },
        [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'SCHEDULER' },
        phoneNumbers: [{ value: '+1 555', type: 'work' }],
        addresses: [{ streetAddress: '1 Way', type: 'work', primary: true }],
        roles: [{ value: 'ML_ADMIN', primary: true }],
      })
      const created = await send('POST', '/Users', body)
      assert.equal(created.statusCode, 201, created.body)
      const user = created.json()
      assert.equal(user.modernloopRole, 'ADMIN')
      const group = await send('POST', '/Groups', { displayName: `strict-${dialect}`, members: [{ value: user.id }] })
      assert.equal(group.statusCode, 201, group.body)
      const responses = [
        user,
        (await send('GET', `/Users/${user.id}`)).json(),
        (await send('PATCH', `/Users/${user.id}`, patchBody({ op: 'replace', path: 'displayName', value: 'Strict' }))).json(),
        (await send('PUT', `/Users/${user.id}`, { ...body, displayName: 'Put' })).json(),
        ...(await send('GET', '/Users?count=50')).json().Resources,
        (await send('GET', `/Users/${user.id}?attributes=modernloopRole,groups`)).json(),
      ]
      for (const resource of responses) assertValid(resource, USER)
      assert.ok(responses[1].groups.length === 1)
    })

    test('every Group response validates against the served /Schemas', async () => {
      const member = (await send('POST', '/Users', entraCreateBody(uniqueUserName('member')))).json()
      const created = await send('POST', '/Groups', { displayName: `validated-${dialect}`, externalId: 'x1', members: [{ value: member.id }] })
      assert.equal(created.statusCode, 201)
      const id = created.json().id
      for (const resource of [
        created.json(),
        (await send('GET', `/Groups/${id}`)).json(),
        ...(await send('GET', '/Groups')).json().Resources,
        (await send('PATCH', `/Groups/${id}?excludedAttributes=members`, patchBody({ op: 'replace', path: 'displayName', value: `renamed-${dialect}` }))).json(),
      ]) {
        assertValid(resource, GROUP)
      }
    })

    test('discovery says what Roster does: members are users only, no nested groups, the role remove rule is documented', async () => {
      const group = served.find((schema) => schema.id === GROUP)
      const members = group.attributes.find((attribute: any) => attribute.name === 'members')
      const sub = (name: string) => members.subAttributes.find((attribute: any) => attribute.name === name)
      assert.deepEqual(sub('type').canonicalValues, ['User'])
      assert.deepEqual(sub('$ref').referenceTypes, ['User'])
      const groups = served.find((schema) => schema.id === USER).attributes.find((attribute: any) => attribute.name === 'groups')
      assert.deepEqual(groups.subAttributes.find((attribute: any) => attribute.name === 'type').canonicalValues, ['direct'])
      const topLevel = served.find((schema) => schema.id === USER).attributes.find((attribute: any) => attribute.name === 'modernloopRole')
      const extension = served.find((schema) => schema.id === MODERNLOOP_USER_SCHEMA).attributes[0]
      for (const role of [topLevel, extension]) {
        assert.match(role.description, /remove.*leaves the role unchanged/)
        assert.match(role.description, /differs from the stored role is the change/)
      }
      // What /Schemas says about groups as members is what Roster does: a group id is not a user, so 400.
      const other = (await send('POST', '/Groups', { displayName: `nested-${dialect}` })).json()
      const nested = await send('POST', '/Groups', { displayName: `outer-${dialect}`, members: [{ value: other.id, type: 'Group' }] })
      assert.equal(nested.statusCode, 400)
    })

    test('a read written back with both role copies: the copy that differs from the stored role wins, in either key order', async () => {
      for (const staleFirst of [true, false]) {
        const created = await send('POST', '/Users', entraCreateBody(uniqueUserName('okta'), { [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'ADMIN' } }))
        const read = created.json()
        assert.equal(read.modernloopRole, 'ADMIN')
        const { modernloopRole: _top, [MODERNLOOP_USER_SCHEMA]: _extension, id: _id, meta: _meta, ...rest } = read
        const demotion = { [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'INTERVIEWER' } }
        const stale = { modernloopRole: 'ADMIN' }
        const body = staleFirst ? { ...rest, ...stale, ...demotion } : { ...rest, ...demotion, ...stale }
        const put = await send('PUT', `/Users/${read.id}`, body)
        assert.equal(put.statusCode, 200, put.body)
        assert.equal(put.json().modernloopRole, 'INTERVIEWER', `stale copy ${staleFirst ? 'first' : 'last'}`)
        assert.equal(put.json()[MODERNLOOP_USER_SCHEMA].modernloopRole, 'INTERVIEWER')
        // The same through a path-less PATCH replace of the whole resource: promote back, stale copy last.
        const patch = await send('PATCH', `/Users/${read.id}`, patchBody({ op: 'replace', value: { modernloopRole: 'SCHEDULER', [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'INTERVIEWER' } } }))
        assert.equal(patch.statusCode, 200, patch.body)
        assert.equal(patch.json().modernloopRole, 'SCHEDULER')
      }
    })

    test('two copies that both differ from the stored role are 400 naming both; on create any two different copies are', async () => {
      const created = (await send('POST', '/Users', entraCreateBody(uniqueUserName('two')))).json()
      const put = await send('PUT', `/Users/${created.id}`, { userName: created.userName, modernloopRole: 'ADMIN', [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'SCHEDULER' } })
      assert.equal(put.statusCode, 400)
      assert.equal(put.json().scimType, 'invalidValue')
      assert.match(put.json().detail, /ADMIN/)
      assert.match(put.json().detail, /SCHEDULER/)
      const create = await send('POST', '/Users', entraCreateBody(uniqueUserName('new'), { modernloopRole: 'admin', [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'interviewer' } }))
      assert.equal(create.statusCode, 400)
      // The same role in two spellings is one role.
      const same = await send('POST', '/Users', entraCreateBody(uniqueUserName('same'), { modernloopRole: 'ml_admin', [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'ADMIN' } }))
      assert.equal(same.statusCode, 201, same.body)
      assert.equal(same.json().modernloopRole, 'ADMIN')
    })
  })
}
