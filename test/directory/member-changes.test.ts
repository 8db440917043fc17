import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CLI_ACTOR, type DirectoryChange } from '../../src/directory/member-changes.js'
import { Members } from '../../src/directory/members.js'
import { RoleManagementSettings } from '../../src/directory/roles/role-management-settings.js'
import type { DirectoryStore } from '../../src/directory/store.js'
import { UserDirectory } from '../../src/directory/users.js'
import type { ResourceChange, WriteObserver } from '../../src/directory/write-observer.js'
import { systemClock } from '../../src/lib/clock.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations })

/**
 * Issue 6 item 4 (the events hook) and the provisioning log's seam: every member-changing operation ends its
 * transaction with the change hook, and SCIM writes tell the observer the member's role and lifecycle before → after.
 */
for (const dialect of DIALECTS) {
  describe(`member changes: the hook inside each transaction, the observer after it (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let orgId: string
    const recorded: { changes: readonly DirectoryChange[]; inTransaction: boolean }[] = []
    let failNext = false
    const hook = async (tx: DirectoryStore, changes: readonly DirectoryChange[]) => {
      // The store handed over is the transaction's: a write through it commits or rolls back with the change.
      recorded.push({ changes, inTransaction: tx !== store })
      if (failNext) {
        failNext = false
        throw new Error('outbox unavailable')
      }
    }
    let users: UserDirectory
    let members: Members
    let settings: RoleManagementSettings

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      orgId = await createOrganization(store)
      users = new UserDirectory(store, { clock: systemClock, maxPatchOperations: 100, onMemberChange: hook })
      members = new Members(store, { clock: systemClock, onMemberChange: hook })
      settings = new RoleManagementSettings(store, { clock: systemClock, onMemberChange: hook })
    })
    after(() => close())

    const typesOf = (changes: readonly DirectoryChange[]) => changes.map((c) => c.type)
    const lastTypes = () => typesOf(recorded.at(-1)!.changes)

    it('reports created, deactivated, reactivated, role_changed, updated, deleted, and the mode switch, each in its transaction', async () => {
      const user = await users.create(orgId, { userName: 'hook@example.com', modernloopRole: 'SCHEDULER' })
      assert.deepEqual(lastTypes(), ['member.created'])
      await users.patch(orgId, user.id, patch({ op: 'replace', path: 'active', value: 'False' }))
      assert.deepEqual(lastTypes(), ['member.deactivated'])
      await users.patch(orgId, user.id, patch({ op: 'replace', value: { active: true, modernloopRole: 'ADMIN' } }))
      assert.deepEqual(lastTypes(), ['member.reactivated', 'member.role_changed'])
      await users.patch(orgId, user.id, patch({ op: 'replace', path: 'displayName', value: 'Hook' }))
      assert.deepEqual(lastTypes(), ['member.updated'])
      const count = recorded.length
      await users.patch(orgId, user.id, patch({ op: 'replace', path: 'displayName', value: 'Hook' }))
      assert.equal(recorded.length, count, 'a PATCH that changes nothing reports nothing')

      await settings.set(orgId, 'platform', CLI_ACTOR)
      assert.deepEqual(lastTypes(), ['organization.role_management_changed'])
      const changed = await members.changeMemberRole(orgId, user.id, 'INTERVIEWER', CLI_ACTOR)
      const roleChange = recorded.at(-1)!.changes[0]!
      assert.equal(roleChange.type, 'member.role_changed')
      assert.ok(roleChange.type === 'member.role_changed' && roleChange.previous?.role === 'ADMIN' && roleChange.member.role === 'INTERVIEWER')
      assert.deepEqual(roleChange.actor, CLI_ACTOR)
      assert.equal(changed.role, 'INTERVIEWER')
      await settings.set(orgId, 'scim', CLI_ACTOR)
      assert.deepEqual(typesOf(recorded.at(-2)!.changes), ['member.role_changed'], 'each re-applied member, a batch at a time')
      const switched = recorded.at(-1)!.changes[0]!
      assert.ok(switched.type === 'organization.role_management_changed' && switched.membersChanged === 1 && switched.from === 'platform')

      await members.addMember(orgId, { userName: 'hand@example.com' }, CLI_ACTOR)
      assert.deepEqual(lastTypes(), ['member.created'])
      await users.delete(orgId, user.id)
      const deleted = recorded.at(-1)!.changes[0]!
      assert.ok(deleted.type === 'member.deleted' && deleted.member.id === user.id && deleted.member.userName === 'hook@example.com')
      assert.ok(recorded.every((r) => r.inTransaction), 'every hook call got the transaction store')
    })

    it('a hook that throws rolls the change back: nothing commits without its events', async () => {
      failNext = true
      await assert.rejects(users.create(orgId, { userName: 'rolled-back@example.com' }), /outbox unavailable/)
      assert.equal(await store.findUserByUserName(orgId, 'rolled-back@example.com'), undefined)

      const user = await users.create(orgId, { userName: 'kept@example.com' })
      failNext = true
      await assert.rejects(users.patch(orgId, user.id, patch({ op: 'replace', path: 'active', value: false })), /outbox/)
      assert.equal((await store.findUser(orgId, user.id))?.active, true)
      failNext = true
      await assert.rejects(users.delete(orgId, user.id), /outbox/)
      assert.ok(await store.findUser(orgId, user.id))
      failNext = true
      await assert.rejects(members.addMember(orgId, { userName: 'no@example.com' }, CLI_ACTOR), /outbox/)
      assert.equal(await store.findUserByUserName(orgId, 'no@example.com'), undefined)
      failNext = true
      await assert.rejects(settings.set(orgId, 'platform', CLI_ACTOR), /outbox/)
      assert.equal(await settings.get(orgId), 'scim')
      await settings.set(orgId, 'platform', CLI_ACTOR)
      failNext = true
      await assert.rejects(members.changeMemberRole(orgId, user.id, 'ADMIN', CLI_ACTOR), /outbox/)
      assert.equal((await members.getMember(orgId, user.id)).role, 'INTERVIEWER')
      await settings.set(orgId, 'scim', CLI_ACTOR)
    })

    it('tells the observer the member state before → after, with the takeover and a platform-mode role write', async () => {
      const seen: ResourceChange[] = []
      const notes: string[] = []
      const observer: WriteObserver = { changed: (change) => seen.push(change), ignored: (n) => notes.push(...n) }
      const manual = await members.addMember(orgId, { userName: 'observed@example.com', role: 'SCHEDULER' }, CLI_ACTOR)
      await settings.set(orgId, 'platform', CLI_ACTOR)
      await users.patch(orgId, manual.id, patch({ op: 'replace', path: 'modernloopRole', value: 'ADMIN' }), undefined, observer)
      assert.deepEqual(seen.at(-1)?.member, {
        before: { role: 'SCHEDULER', directoryRole: null, status: 'active', source: 'manual' },
        after: { role: 'SCHEDULER', directoryRole: 'ADMIN', status: 'active', source: 'scim' },
      })
      assert.ok(notes.some((note) => /platform.*ADMIN.*directory role.*SCHEDULER/.test(note)), notes.join(' | '))
      await users.delete(orgId, manual.id, undefined, observer)
      const deleted = seen.at(-1)!
      assert.deepEqual([deleted.resourceId, deleted.name, deleted.after, deleted.member?.after], [manual.id, 'observed@example.com', null, null])
      assert.equal(deleted.member?.before?.directoryRole, 'ADMIN')
      await settings.set(orgId, 'scim', CLI_ACTOR)
    })
  })
}
