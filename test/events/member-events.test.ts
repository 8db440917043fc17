import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { directoryServices, type DirectoryServices } from '../../src/directory/directory-services.js'
import { SCIM_ACTOR } from '../../src/directory/member-changes.js'
import { memberOf } from '../../src/directory/member.js'
import { systemClock } from '../../src/lib/clock.js'
import type { Store } from '../../src/store/store.js'
import { jsonOutput, runCli } from '../cli/cli-process.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'

/**
 * Member events go through the outbox in the transaction of the change, from every place that builds the directory
 * (directoryServices): the CLI as a real process, SCIM's UserDirectory, and a change rolled back emits nothing.
 */
for (const dialect of DIALECTS) {
  describe(`${dialect}: member events through the outbox`, () => {
    let store: Store
    let databaseUrl: string
    let close: () => Promise<void>
    let services: DirectoryServices
    const eventsOf = (orgId: string) => store.readOrgEvents(orgId, 0, 10_000)

    before(async () => {
      ;({ store, close, databaseUrl } = await openTestStore(dialect))
      services = directoryServices(store, { clock: systemClock })
    })
    after(() => close())

    it('a CLI role change (a real process) emits member.role_changed with the CLI actor, and the switch its settings event', async () => {
      const orgId = await createOrganization(store, 'Cli Events')
      const member = await services.members.addMember(orgId, { userName: 'cli-role@events.test' }, SCIM_ACTOR)
      jsonOutput(await runCli(databaseUrl, ['org', 'settings', '--org', orgId, '--role-management', 'platform', '--json']), 'org settings')
      jsonOutput(await runCli(databaseUrl, ['member', 'set-role', '--org', orgId, '--member', member.id, '--role', 'ADMIN', '--json']), 'member set-role')
      const events = await eventsOf(orgId)
      assert.deepEqual(events.map((e) => e.type), ['member.created', 'organization.settings_changed', 'member.role_changed'])
      const data = events[2]!.data as { id: string; role: string; roleChange: unknown }
      assert.equal(data.id, member.id)
      assert.equal(data.role, 'ADMIN')
      assert.deepEqual(data.roleChange, { from: 'INTERVIEWER', to: 'ADMIN', why: 'admin', actor: { kind: 'cli', id: null } })
      assert.deepEqual((events[1]!.data as { actor: unknown }).actor, { kind: 'cli', id: null })
    })

    it('a SCIM deactivation emits member.deactivated carrying the member after the change', async () => {
      const orgId = await createOrganization(store, 'Scim Events')
      const user = await services.users.create(orgId, { schemas: [USER_SCHEMA], userName: 'leaver@events.test' })
      await services.users.patch(orgId, user.id, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })
      const events = await eventsOf(orgId)
      assert.deepEqual(events.map((e) => e.type), ['member.created', 'member.deactivated'])
      const data = events[1]!.data as { id: string; status: string; object: string }
      assert.deepEqual([data.object, data.id, data.status], ['member', user.id, 'deactivated'])
      assert.deepEqual(events.map((e) => e.sequence), [events[0]!.sequence, events[0]!.sequence + 1])
    })

    it('a change whose transaction rolls back emits nothing (and changes nothing)', async () => {
      const orgId = await createOrganization(store, 'Rollback Events')
      await services.roleSettings.set(orgId, 'platform', SCIM_ACTOR)
      const member = await services.members.addMember(orgId, { userName: 'rollback@events.test' }, SCIM_ACTOR)
      const before = await eventsOf(orgId)
      // The same services over a store whose every transaction fails after its work (events included) is done.
      const failing = new Proxy(store, {
        get(target, property, receiver) {
          if (property !== 'transaction') return Reflect.get(target, property, receiver)
          return (work: (tx: Store) => Promise<unknown>) => target.transaction(async (tx) => {
            await work(tx as Store)
            throw new Error('rolled back on purpose')
          })
        },
      })
      const doomed = directoryServices(failing, { clock: systemClock })
      await assert.rejects(doomed.members.changeMemberRole(orgId, member.id, 'ADMIN', SCIM_ACTOR), /rolled back on purpose/)
      await assert.rejects(doomed.roleSettings.set(orgId, 'scim', SCIM_ACTOR), /rolled back on purpose/)
      await assert.rejects(doomed.users.create(orgId, { schemas: [USER_SCHEMA], userName: 'never@events.test' }), /rolled back on purpose/)
      assert.deepEqual(await eventsOf(orgId), before)
      assert.equal(memberOf((await store.findUser(orgId, member.id))!).role, 'INTERVIEWER')
      assert.equal(await store.findRoleManagement(orgId), 'platform')
      // The same change, committed, emits its event.
      await services.members.changeMemberRole(orgId, member.id, 'ADMIN', SCIM_ACTOR)
      assert.deepEqual((await eventsOf(orgId)).slice(before.length).map((e) => e.type), ['member.role_changed'])
    })
  })
}
