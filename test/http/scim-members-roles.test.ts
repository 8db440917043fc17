import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CLI_ACTOR } from '../../src/directory/member-changes.js'
import { Members } from '../../src/directory/members.js'
import { RoleManagementSettings } from '../../src/directory/roles/role-management-settings.js'
import { DomainError } from '../../src/lib/domain-error.js'
import { systemClock } from '../../src/lib/clock.js'
import {
  assertScimResponse,
  entraCreateBody,
  extensionRole,
  MODERNLOOP_USER_SCHEMA,
  ScimClient,
  uniqueUserName,
  type ScimUserBody,
} from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** Entra's AppRoleAssignmentsComplex element for an app role. */
const appRole = (value: string) => ({ primary: true, type: 'WindowsAzureActiveDirectoryRole', value })

/** What SCIM shows as the role, top-level and in the extension (they must agree). */
function scimRole(user: ScimUserBody): unknown {
  assert.equal(user.modernloopRole, extensionRole(user), 'top-level and extension role must agree')
  return user.modernloopRole
}

const isDomainError = (code: string, message?: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === code && (message === undefined || message.test(error.message))

// Issue 6 items 1-3 over the real SCIM surface: the modes, the lifecycle, the access check, manual members.
for (const dialect of DIALECTS) {
  describe(`${dialect}: members and roles through SCIM`, () => {
    let roster: TestApp
    let entra: ScimClient
    let members: Members
    let settings: RoleManagementSettings
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
      members = new Members(roster.store, { clock: systemClock })
      settings = new RoleManagementSettings(roster.store, { clock: systemClock })
    })
    after(() => roster.close())

    /** A fresh organization (own token), so that each test's mode is its own. */
    async function freshOrg(mode: 'scim' | 'platform' = 'scim') {
      const { orgId, token } = await roster.createOrg(`Org ${mode}`)
      if (mode === 'platform') await settings.set(orgId, 'platform', CLI_ACTOR)
      return { orgId, client: new ScimClient(roster.app, token) }
    }

    test('a SCIM create makes a scim member with its directory role, provisioned now; without a role: INTERVIEWER and no directory role', async () => {
      const startedAt = new Date().toISOString()
      const withRole = await entra.createUser(entraCreateBody(uniqueUserName('m'), { roles: [appRole('ML_SCHEDULER')] }))
      const without = await entra.createUser(entraCreateBody(uniqueUserName('m')))
      const a = await members.getMember(roster.orgId, withRole.id)
      assert.equal(a.role, 'SCHEDULER')
      assert.equal(a.directoryRole, 'SCHEDULER')
      assert.equal(a.source, 'scim')
      assert.equal(a.status, 'active')
      assert.ok(a.lastProvisionedAt && a.lastProvisionedAt >= startedAt, 'lastProvisionedAt is the create')
      const b = await members.getMember(roster.orgId, without.id)
      assert.deepEqual([b.role, b.directoryRole], ['INTERVIEWER', null])
    })

    test('scim mode: the role SCIM sends is the role; an admin role change is refused with where to switch; platform mode allows it', async () => {
      const { orgId, client } = await freshOrg('scim')
      const user = await client.createUser(entraCreateBody(uniqueUserName('s'), { modernloopRole: 'INTERVIEWER' }))
      await client.patchUserOk(user.id, { op: 'Replace', path: 'modernloopRole', value: 'ML_ADMIN' })
      assert.deepEqual(pick(await members.getMember(orgId, user.id)), { role: 'ADMIN', directoryRole: 'ADMIN' })

      await assert.rejects(
        members.changeMemberRole(orgId, user.id, 'SCHEDULER', CLI_ACTOR),
        isDomainError('conflict', /managed in its identity provider.*Organization settings → Members → Role management.*--role-management platform/s),
      )
      assert.equal((await members.getMember(orgId, user.id)).role, 'ADMIN', 'the refused change changed nothing')

      await settings.set(orgId, 'platform', CLI_ACTOR)
      const changed = await members.changeMemberRole(orgId, user.id, 'scheduler', CLI_ACTOR)
      assert.deepEqual(pick(changed), { role: 'SCHEDULER', directoryRole: 'ADMIN' })
      assert.equal(scimRole(await client.getUser(user.id)), 'ADMIN', "SCIM still reads the directory's role")
    })

    test('platform mode: a SCIM role write changes the directory role only, and every SCIM read returns it (GET, filter, roles)', async () => {
      const { orgId, client } = await freshOrg('platform')
      const created = await client.createUser(entraCreateBody(uniqueUserName('p'), { roles: [appRole('ML_INTERVIEWER')] }))
      assert.deepEqual(pick(await members.getMember(orgId, created.id)), { role: 'INTERVIEWER', directoryRole: 'INTERVIEWER' }, 'a new member starts with its directory role')
      await members.changeMemberRole(orgId, created.id, 'ADMIN', CLI_ACTOR)

      // Entra assigns another app role: AppRoleAssignmentsComplex adds it, and modernloopRole is replaced.
      const read = await client.patchUserOk(
        created.id,
        { op: 'Add', path: 'roles', value: [appRole('ML_SCHEDULER')] },
        { op: 'Replace', path: 'modernloopRole', value: 'SCHEDULER' },
      )
      assert.deepEqual(pick(await members.getMember(orgId, created.id)), { role: 'ADMIN', directoryRole: 'SCHEDULER' })
      // What Entra reads back next cycle is exactly what it computed: nothing differs, nothing is re-sent.
      assert.equal(scimRole(read), 'SCHEDULER')
      assert.deepEqual(read.roles?.map((r) => r.value), ['ML_INTERVIEWER', 'ML_SCHEDULER'])
      const listed = await client.findUsers(`userName eq "${created.userName}"`)
      assert.equal(scimRole(listed.Resources[0]!), 'SCHEDULER')
      assert.equal((await client.findUsers(`${MODERNLOOP_USER_SCHEMA}:modernloopRole eq "SCHEDULER"`)).totalResults, 1, 'filters see the directory role too')
      assert.equal((await client.findUsers(`${MODERNLOOP_USER_SCHEMA}:modernloopRole eq "ADMIN"`)).totalResults, 0)

      // A PUT carrying a role does the same.
      const put = await client.send('PUT', `/Users/${created.id}`, { ...entraCreateBody(created.userName), modernloopRole: 'INTERVIEWER' })
      assertScimResponse(put, 200)
      assert.equal(scimRole(put.json<ScimUserBody>()), 'INTERVIEWER')
      assert.deepEqual(pick(await members.getMember(orgId, created.id)), { role: 'ADMIN', directoryRole: 'INTERVIEWER' })
    })

    test('switching platform → scim re-applies directory roles in one change (previewed first); members without one keep theirs', async () => {
      const { orgId, client } = await freshOrg('platform')
      const drifted = await client.createUser(entraCreateBody(uniqueUserName('d'), { modernloopRole: 'SCHEDULER' }))
      const same = await client.createUser(entraCreateBody(uniqueUserName('d'), { modernloopRole: 'INTERVIEWER' }))
      const noDirectoryRole = await client.createUser(entraCreateBody(uniqueUserName('d')))
      const manual = await members.addMember(orgId, { userName: uniqueUserName('manual'), role: 'ADMIN' }, CLI_ACTOR)
      await members.changeMemberRole(orgId, drifted.id, 'ADMIN', CLI_ACTOR)
      await members.changeMemberRole(orgId, noDirectoryRole.id, 'SCHEDULER', CLI_ACTOR)

      assert.deepEqual(await settings.preview(orgId, 'scim'), { from: 'platform', to: 'scim', membersChanged: 1 })
      assert.deepEqual(await settings.preview(orgId, 'platform'), { from: 'platform', to: 'platform', membersChanged: 0 })
      assert.equal((await members.getMember(orgId, drifted.id)).role, 'ADMIN', 'a preview changes nothing')

      const versionBefore = (await members.getMember(orgId, drifted.id)).version
      assert.deepEqual(await settings.set(orgId, 'scim', CLI_ACTOR), { from: 'platform', to: 'scim', membersChanged: 1 })
      assert.equal(await settings.get(orgId), 'scim')
      const after = await members.getMember(orgId, drifted.id)
      assert.deepEqual(pick(after), { role: 'SCHEDULER', directoryRole: 'SCHEDULER' })
      assert.equal(after.version, versionBefore + 1)
      assert.equal((await members.getMember(orgId, same.id)).role, 'INTERVIEWER')
      assert.equal((await members.getMember(orgId, noDirectoryRole.id)).role, 'SCHEDULER', 'no directory role: keeps its role')
      assert.equal((await members.getMember(orgId, manual.id)).role, 'ADMIN')
      // Back in scim mode, SCIM owns roles again.
      await client.patchUserOk(noDirectoryRole.id, { op: 'Replace', path: 'modernloopRole', value: 'INTERVIEWER' })
      assert.deepEqual(pick(await members.getMember(orgId, noDirectoryRole.id)), { role: 'INTERVIEWER', directoryRole: 'INTERVIEWER' })
    })

    test('a role SCIM sends while a switch to scim is in flight is applied as the role once the switch commits', async () => {
      const { orgId, client } = await freshOrg('platform')
      const user = await client.createUser(entraCreateBody(uniqueUserName('race'), { modernloopRole: 'INTERVIEWER' }))
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      let locked!: () => void
      const lockTaken = new Promise<void>((resolve) => (locked = resolve))
      // A switch that has locked the organization and written the new mode, but not committed yet.
      const switching = roster.store.transaction(async (tx) => {
        await tx.findRoleManagement(orgId, { lock: 'update' })
        await tx.setRoleManagement(orgId, 'scim')
        locked()
        await held
      })
      await lockTaken
      let settled = false
      const patch = client.patchUser(user.id, { op: 'Replace', path: 'modernloopRole', value: 'ADMIN' }).finally(() => (settled = true))
      try {
        await new Promise((resolve) => setTimeout(resolve, 150))
        assert.equal(settled, false, 'the role write waits for the switch')
      } finally {
        release()
        await switching
      }
      assertScimResponse(await patch, 200)
      assert.deepEqual(pick(await members.getMember(orgId, user.id)), { role: 'ADMIN', directoryRole: 'ADMIN' })
    })

    test('switching scim → platform changes no role; switching to the current mode changes nothing', async () => {
      const { orgId, client } = await freshOrg('scim')
      const user = await client.createUser(entraCreateBody(uniqueUserName('k'), { modernloopRole: 'ADMIN' }))
      const manual = await members.addMember(orgId, { userName: uniqueUserName('manual'), role: 'SCHEDULER' }, CLI_ACTOR)
      assert.deepEqual(await settings.set(orgId, 'scim', CLI_ACTOR), { from: 'scim', to: 'scim', membersChanged: 0 })
      assert.deepEqual(await settings.preview(orgId, 'platform'), { from: 'scim', to: 'platform', membersChanged: 0 })
      assert.deepEqual(await settings.set(orgId, 'PLATFORM', CLI_ACTOR), { from: 'scim', to: 'platform', membersChanged: 0 })
      assert.equal((await members.getMember(orgId, user.id)).role, 'ADMIN')
      assert.equal((await members.getMember(orgId, manual.id)).role, 'SCHEDULER')
      await assert.rejects(settings.set(orgId, 'entra', CLI_ACTOR), isDomainError('invalid', /scim.*platform/))
      await assert.rejects(settings.get('org_nope'), isDomainError('not_found'))
    })

    test('active "False" deactivates at once: the access check refuses on the very next call; "True" reactivates', async () => {
      const user = await entra.createUser(entraCreateBody(uniqueUserName('a')))
      const allowed = await members.mayAccess(roster.orgId, user.id)
      assert.equal(allowed.allowed, true)
      assert.equal(allowed.allowed && allowed.member.userName, user.userName)

      assertScimResponse(await entra.patchUser(user.id, { op: 'Replace', path: 'active', value: 'False' }), 200)
      const refused = await members.mayAccess(roster.orgId, user.id)
      assert.deepEqual(refused.allowed ? 'allowed' : refused.reason, 'deactivated')
      assert.equal((await members.mayAccessByUserName(roster.orgId, user.userName.toUpperCase())).allowed, false)
      assert.equal((await members.getMember(roster.orgId, user.id)).status, 'deactivated')
      assert.equal((await entra.getUser(user.id)).active, false, 'still readable through SCIM')

      assertScimResponse(await entra.patchUser(user.id, { op: 'Replace', path: 'active', value: true }), 200)
      assert.equal((await members.mayAccess(roster.orgId, user.id)).allowed, true)
      assert.equal((await members.mayAccessByUserName(roster.orgId, user.userName)).allowed, true)
    })

    test('DELETE removes the member and their memberships: the access check says not_found on the next call', async () => {
      const user = await entra.createUser(entraCreateBody(uniqueUserName('x')))
      const group = await entra.send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `G ${user.id}`, members: [{ value: user.id }] })
      assertScimResponse(group, 201)
      assertScimResponse(await entra.send('DELETE', `/Users/${user.id}`), 204)
      const decision = await members.mayAccess(roster.orgId, user.id)
      assert.equal(decision.allowed ? 'allowed' : decision.reason, 'not_found')
      await assert.rejects(members.getMember(roster.orgId, user.id), isDomainError('not_found'))
      assert.equal((await roster.store.listGroupMembers(roster.orgId, group.json<{ id: string }>().id, { limit: 10 })).length, 0)
    })

    test('a manual member is a user like any other: SCIM finds it by userName, and the first SCIM write takes it over', async () => {
      const { orgId, client } = await freshOrg('scim')
      const userName = uniqueUserName('hand')
      const added = await members.addMember(orgId, { userName, email: userName, displayName: 'By Hand', role: 'admin' }, CLI_ACTOR)
      assert.deepEqual(
        { source: added.source, role: added.role, directoryRole: added.directoryRole, lastProvisionedAt: added.lastProvisionedAt, email: added.email },
        { source: 'manual', role: 'ADMIN', directoryRole: null, lastProvisionedAt: null, email: userName },
      )
      // Entra's matching query finds it (case-insensitively), and its POST of the same person is a 409.
      const found = await client.findUsers(`userName eq "${userName.toUpperCase()}"`)
      assert.deepEqual(found.Resources.map((u) => u.id), [added.id])
      assert.equal(scimRole(found.Resources[0]!), 'ADMIN')
      assert.equal((await client.send('POST', '/Users', entraCreateBody(userName))).statusCode, 409)

      // Entra then PATCHes what differs: the member becomes a SCIM member, provisioned now.
      await client.patchUserOk(added.id, { op: 'Replace', path: 'externalId', value: 'entra-object-id' })
      const takenOver = await members.getMember(orgId, added.id)
      assert.equal(takenOver.source, 'scim')
      assert.ok(takenOver.lastProvisionedAt)
      assert.equal(takenOver.role, 'ADMIN', 'a write without a role keeps the role')

      // Even a PATCH that changes no attribute takes a manual member over.
      const second = await members.addMember(orgId, { userName: uniqueUserName('hand') }, CLI_ACTOR)
      assert.equal(second.role, 'INTERVIEWER')
      await client.patchUserOk(second.id, { op: 'Replace', path: 'userName', value: second.userName })
      assert.equal((await members.getMember(orgId, second.id)).source, 'scim')
    })

    test('manual add refuses a taken userName, a bad email or role, and an unknown organization, as domain errors', async () => {
      const taken = await entra.createUser(entraCreateBody(uniqueUserName('t')))
      await assert.rejects(members.addMember(roster.orgId, { userName: taken.userName.toUpperCase() }, CLI_ACTOR), isDomainError('conflict', /already taken/))
      await assert.rejects(members.addMember(roster.orgId, { userName: ' ' }, CLI_ACTOR), isDomainError('invalid'))
      await assert.rejects(members.addMember(roster.orgId, { userName: 'x', email: 'not-an-email' }, CLI_ACTOR), isDomainError('invalid'))
      await assert.rejects(members.addMember(roster.orgId, { userName: 'x', role: 'OWNER' }, CLI_ACTOR), isDomainError('invalid', /ADMIN, SCHEDULER or INTERVIEWER/))
      await assert.rejects(members.addMember('org_missing', { userName: 'x' }, CLI_ACTOR), isDomainError('not_found'))
      await assert.rejects(members.changeMemberRole(roster.orgId, 'usr_missing', 'ADMIN', CLI_ACTOR), isDomainError('not_found'))
    })

    test("one organization never sees another's members", async () => {
      const { orgId } = await freshOrg('platform')
      const user = await entra.createUser(entraCreateBody(uniqueUserName('iso')))
      await assert.rejects(members.getMember(orgId, user.id), isDomainError('not_found'))
      assert.equal((await members.mayAccess(orgId, user.id)).allowed, false)
      await assert.rejects(members.changeMemberRole(orgId, user.id, 'ADMIN', CLI_ACTOR), isDomainError('not_found'))
      assert.deepEqual((await members.listMembers(orgId, { limit: 10, query: user.userName })).items, [])
    })
  })
}

const pick = (member: { role: string; directoryRole: string | null }) => ({ role: member.role, directoryRole: member.directoryRole })
