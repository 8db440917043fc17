import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import {
  assertScimError,
  assertScimResponse,
  CORE_USER_SCHEMA,
  entraCreateBody,
  extensionRole,
  MODERNLOOP_USER_SCHEMA,
  ScimClient,
  uniqueUserName,
  type PatchOperation,
  type ScimUserBody,
} from './support/scim-client.js'

const CORE_ROLE_KEY = `${CORE_USER_SCHEMA}:modernloopRole`
const EXTENSION_ROLE_PATH = `${MODERNLOOP_USER_SCHEMA}:modernloopRole`

/** Entra's AppRoleAssignmentsComplex PATCH: the element's value is a JSON string holding the app role (§2.4). */
const stringifiedRole = (value: string) => ({ value: JSON.stringify({ id: '06b07648-ecfe-589f-9d2f-6325724a46ee', value, displayName: value }) })

/** The role as both places Roster shows it must agree (top level for Entra's plain name, and the extension). */
function roleOf(user: ScimUserBody): unknown {
  assert.equal(user.modernloopRole, extensionRole(user), 'top-level and extension role must agree')
  return user.modernloopRole
}

// Field guide §2 (modernloopRole and roles), §5 #23–#27, and issue 2 "The role attribute".
for (const dialect of DIALECTS) {
  describe(`${dialect}: the role arrives from Entra in every documented shape`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    const createWith = (overrides: Record<string, unknown>) => entra.createUser(entraCreateBody(uniqueUserName('role'), overrides))
    const patchedRole = async (id: string, ...operations: PatchOperation[]) => roleOf(await entra.patchUserOk(id, ...operations))

    test('§2.2 §5 #24 a user created without any role is an INTERVIEWER, shown top-level and in the extension', async () => {
      const created = await entra.createUser()
      assert.equal(roleOf(created), 'INTERVIEWER')
      assert.equal(roleOf(await entra.getUser(created.id)), 'INTERVIEWER')
    })

    test('§2.2 a create carries the role top-level, core-URN-qualified or in the extension object', async () => {
      assert.equal(roleOf(await createWith({ modernloopRole: 'ADMIN' })), 'ADMIN')
      assert.equal(roleOf(await createWith({ [CORE_ROLE_KEY]: 'SCHEDULER' })), 'SCHEDULER')
      assert.equal(roleOf(await createWith({ [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'ADMIN' } })), 'ADMIN')
    })

    test('§2.1 §5 #23 the extension object is read even when its URN is missing from schemas', async () => {
      const created = await entra.createUser({
        schemas: [CORE_USER_SCHEMA],
        userName: uniqueUserName('ext'),
        active: true,
        [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'ADMIN' },
      })
      assert.equal(roleOf(await entra.getUser(created.id)), 'ADMIN')
    })

    test('§5 #24 a later PATCH sets the role by core-URN path, plain path and extension path', async () => {
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'Add', path: CORE_ROLE_KEY, value: 'ADMIN' }), 'ADMIN')
      assert.equal(await patchedRole(created.id, { op: 'Add', path: 'modernloopRole', value: 'SCHEDULER' }), 'SCHEDULER')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: EXTENSION_ROLE_PATH, value: 'INTERVIEWER' }), 'INTERVIEWER')
    })

    test('§2.1 a path-less PATCH sets the role by URN key, plain key, core-URN key or extension object', async () => {
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'replace', value: { [EXTENSION_ROLE_PATH]: 'ADMIN' } }), 'ADMIN')
      assert.equal(await patchedRole(created.id, { op: 'replace', value: { modernloopRole: 'SCHEDULER' } }), 'SCHEDULER')
      assert.equal(await patchedRole(created.id, { op: 'replace', value: { [CORE_ROLE_KEY]: 'ADMIN' } }), 'ADMIN')
      assert.equal(await patchedRole(created.id, { op: 'add', value: { [MODERNLOOP_USER_SCHEMA]: { modernloopRole: 'INTERVIEWER' } } }), 'INTERVIEWER')
    })

    test('§2.2 attribute names and URNs of the role compare case-insensitively', async () => {
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'ModernLoopRole', value: 'ADMIN' }), 'ADMIN')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: EXTENSION_ROLE_PATH.toUpperCase(), value: 'SCHEDULER' }), 'SCHEDULER')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: CORE_ROLE_KEY.toLowerCase(), value: 'INTERVIEWER' }), 'INTERVIEWER')
      assert.equal(roleOf(await createWith({ MODERNLOOPROLE: 'admin' })), 'ADMIN')
      assert.equal(roleOf(await createWith({ [MODERNLOOP_USER_SCHEMA.toUpperCase()]: { ModernloopRole: 'scheduler' } })), 'SCHEDULER')
    })

    test('§2.2 role values are accepted in any case and stored canonical', async () => {
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'modernloopRole', value: 'admin' }), 'ADMIN')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'modernloopRole', value: 'Scheduler' }), 'SCHEDULER')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'modernloopRole', value: 'iNtErViEwEr' }), 'INTERVIEWER')
    })

    test('§2.3 the Entra app-role names ML_ADMIN, ML_SCHEDULER and ML_INTERVIEWER map to the roles', async () => {
      const created = await createWith({ modernloopRole: 'ML_ADMIN' })
      assert.equal(roleOf(created), 'ADMIN')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'modernloopRole', value: 'ml_scheduler' }), 'SCHEDULER')
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'modernloopRole', value: 'ML_INTERVIEWER' }), 'INTERVIEWER')
    })

    test('§2.2 an unknown role value is 400 invalidValue naming the allowed values, on create and on PATCH', async () => {
      const userName = uniqueUserName('badrole')
      const onCreate = assertScimError(await entra.send('POST', '/Users', entraCreateBody(userName, { modernloopRole: 'OWNER' })), 400, 'invalidValue')
      for (const allowed of ['ADMIN', 'SCHEDULER', 'INTERVIEWER']) assert.ok(onCreate.detail.includes(allowed), onCreate.detail)
      assert.equal((await entra.findUsers(`userName eq "${userName}"`)).totalResults, 0)

      const created = await createWith({ modernloopRole: 'SCHEDULER' })
      const onPatch = assertScimError(await entra.patchUser(created.id, { op: 'Replace', path: EXTENSION_ROLE_PATH, value: 'superuser' }), 400, 'invalidValue')
      for (const allowed of ['ADMIN', 'SCHEDULER', 'INTERVIEWER']) assert.ok(onPatch.detail.includes(allowed), onPatch.detail)
      assertScimError(await entra.patchUser(created.id, { op: 'Replace', path: 'modernloopRole', value: 3 }), 400, 'invalidValue')
      assert.equal(roleOf(await entra.getUser(created.id)), 'SCHEDULER')
    })

    test('§2.3 §5 #25 Remove, null and "" leave the role as it is', async () => {
      const created = await createWith({ modernloopRole: 'ADMIN' })
      for (const operation of [
        { op: 'Remove', path: 'modernloopRole' },
        { op: 'Remove', path: EXTENSION_ROLE_PATH },
        { op: 'Replace', path: 'modernloopRole', value: '' },
        { op: 'Replace', path: CORE_ROLE_KEY, value: null },
        { op: 'replace', value: { [EXTENSION_ROLE_PATH]: '' } },
      ]) {
        const response = await entra.patchUser(created.id, operation)
        assertScimResponse(response, 200)
        assert.equal(roleOf(await entra.getUser(created.id)), 'ADMIN', JSON.stringify(operation))
      }
    })

    test('§2.3 a create with an empty or null role gets the default INTERVIEWER', async () => {
      assert.equal(roleOf(await createWith({ modernloopRole: '' })), 'INTERVIEWER')
      assert.equal(roleOf(await createWith({ [MODERNLOOP_USER_SCHEMA]: { modernloopRole: null } })), 'INTERVIEWER')
    })

    test('§2.3 a PATCH of other attributes never changes the role (the Switch() null bug)', async () => {
      const created = await createWith({ modernloopRole: 'SCHEDULER' })
      assert.equal(await patchedRole(created.id, { op: 'Replace', path: 'displayName', value: 'Renamed' }, { op: 'Replace', path: 'active', value: 'False' }), 'SCHEDULER')
    })

    test('§2.4 the POST roles of AppRoleAssignmentsComplex map to the role, ignoring non-Roster roles', async () => {
      const roles = [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', displayName: 'Admin', value: 'Admin' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', displayName: 'User', value: 'User' },
      ]
      assert.equal(roleOf(await createWith({ roles })), 'ADMIN')
      const single = [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'ML_SCHEDULER' }]
      assert.equal(roleOf(await createWith({ roles: single })), 'SCHEDULER')
      const onlyUser = [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'User' }]
      assert.equal(roleOf(await createWith({ roles: onlyUser })), 'INTERVIEWER')
    })

    test('§2.4 §5 #26 a PATCH of roles whose value is a JSON string is parsed into the role', async () => {
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'Add', path: 'roles', value: [stringifiedRole('Admin')] }), 'ADMIN')
      const again = await entra.createUser()
      assert.equal(await patchedRole(again.id, { op: 'Add', path: 'roles', value: [stringifiedRole('ML_SCHEDULER')] }), 'SCHEDULER')
    })

    test('§2.4 a stringified roles value that names no Roster role, or is not even JSON, is accepted and changes nothing', async () => {
      const created = await createWith({ modernloopRole: 'SCHEDULER' })
      for (const value of [JSON.stringify({ id: 'x', value: 'msiam_access', displayName: 'msiam_access' }), '{"id":"x","value":"Adm']) {
        const response = await entra.patchUser(created.id, { op: 'Add', path: 'roles', value: [{ value }] })
        assertScimResponse(response, 200)
        assert.equal(roleOf(await entra.getUser(created.id)), 'SCHEDULER')
      }
    })

    test('§2.4 the AssertiveAppRoleAssignmentsComplex replace with "display" maps to the role', async () => {
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'replace', path: 'roles', value: [{ primary: false, display: 'ML_ADMIN', value: 'ML_ADMIN' }] }), 'ADMIN')
    })

    test('§2.4 when several roles arrive at once the most privileged wins', async () => {
      const roles = [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'ML_INTERVIEWER' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'ML_ADMIN' },
        { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'ML_SCHEDULER' },
      ]
      assert.equal(roleOf(await createWith({ roles })), 'ADMIN')
      assert.equal(roleOf(await createWith({ modernloopRole: 'INTERVIEWER', roles: [{ value: 'ML_SCHEDULER' }] })), 'SCHEDULER')
      const created = await entra.createUser()
      assert.equal(await patchedRole(created.id, { op: 'Add', path: 'roles', value: [stringifiedRole('ML_SCHEDULER'), stringifiedRole('ML_ADMIN')] }), 'ADMIN')
    })

    test('§2.4 §4 roles[].primary sent as the string "True" is returned as a JSON boolean', async () => {
      const created = await createWith({ roles: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'ML_ADMIN' }] })
      const user = await entra.getUser(created.id)
      assert.equal(user.roles?.[0]?.primary, true)
      assert.equal(roleOf(user), 'ADMIN')
    })

    test('§5 #27 GET reflects a role PATCH, and a filter finds users by role', async () => {
      const created = await entra.createUser()
      await entra.patchUserOk(created.id, { op: 'Add', path: CORE_ROLE_KEY, value: 'ML_ADMIN' })
      const read = await entra.getUser(created.id)
      assert.equal(roleOf(read), 'ADMIN')
      const found = await entra.findUsers(`id eq "${created.id}" and ${EXTENSION_ROLE_PATH} eq "ADMIN"`)
      assert.deepEqual(found.Resources.map((u) => u.id), [created.id])
    })

    test('§2.2 PUT without a role keeps the current role; PUT with one changes it', async () => {
      const created = await createWith({ modernloopRole: 'ADMIN' })
      const { id: _id, meta: _meta, modernloopRole: _role, [MODERNLOOP_USER_SCHEMA]: _extension, ...withoutRole } = created
      const kept = await entra.send('PUT', `/Users/${created.id}`, { ...withoutRole, displayName: 'Put' })
      assertScimResponse(kept, 200)
      assert.equal(roleOf(kept.json<ScimUserBody>()), 'ADMIN')
      const changed = await entra.send('PUT', `/Users/${created.id}`, { ...withoutRole, modernloopRole: 'scheduler' })
      assert.equal(roleOf(changed.json<ScimUserBody>()), 'SCHEDULER')
    })
  })
}
