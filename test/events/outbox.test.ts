import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { GroupDirectory } from '../../src/directory/groups.js'
import { appendEvents, MAX_IDS_PER_EVENT } from '../../src/events/outbox.js'
import { systemClock } from '../../src/lib/clock.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization, createUser } from '../store/store-fixtures.js'

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'

for (const dialect of DIALECTS) {
  describe(`${dialect}: the event outbox`, () => {
    let store: Store
    let close: () => Promise<void>
    let groups: GroupDirectory
    let orgId: string
    const userIds: string[] = []
    const eventsOf = (id: string) => store.readOrgEvents(id, 0, 10_000)

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      groups = new GroupDirectory(store, { maxPatchOperations: 1000, clock: systemClock })
      orgId = await createOrganization(store, 'Outbox Inc')
      for (let i = 0; i < 250; i++) userIds.push((await createUser(store, orgId, { userName: `user${i}@outbox.test` })).id)
    })
    after(() => close())

    it('commits group events with the change, carrying the group as it is after it', async () => {
      const before = (await eventsOf(orgId)).length
      const group = await groups.create(orgId, { schemas: [GROUP_SCHEMA], displayName: 'Ops', members: userIds.slice(0, 3).map((value) => ({ value })) })
      const events = (await eventsOf(orgId)).slice(before)
      assert.deepEqual(events.map((e) => e.type), ['group.created', 'group.members_added'])
      assert.deepEqual((events[0]!.data as { id: string; displayName: string }).displayName, 'Ops')
      assert.deepEqual((events[1]!.data as { memberIds: string[] }).memberIds.sort(), userIds.slice(0, 3).sort())
      assert.ok(events.every((e) => e.organization === orgId && /^evt_/.test(e.id)))

      await groups.patch(orgId, group.id, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Operations' },
          { op: 'add', path: 'members', value: [{ value: userIds[0] }, { value: userIds[5] }] },
          { op: 'remove', path: `members[value eq "${userIds[1]}"]` },
        ],
      })
      const patched = (await eventsOf(orgId)).slice(before + 2)
      assert.deepEqual(patched.map((e) => e.type), ['group.updated', 'group.members_added', 'group.members_removed'])
      assert.equal((patched[0]!.data as { displayName: string }).displayName, 'Operations')
      assert.deepEqual((patched[1]!.data as { memberIds: string[] }).memberIds, [userIds[5]], 'a member already present is not "added"')
      assert.deepEqual((patched[2]!.data as { memberIds: string[] }).memberIds, [userIds[1]])

      await groups.delete(orgId, group.id)
      const deleted = (await eventsOf(orgId)).at(-1)!
      assert.equal(deleted.type, 'group.deleted')
      assert.equal((deleted.data as { id: string }).id, group.id)
    })

    it('splits a large membership batch into bounded events', async () => {
      const before = (await eventsOf(orgId)).length
      await groups.create(orgId, { schemas: [GROUP_SCHEMA], displayName: 'Everyone', members: userIds.map((value) => ({ value })) })
      const added = (await eventsOf(orgId)).slice(before).filter((e) => e.type === 'group.members_added')
      assert.equal(added.length, Math.ceil(userIds.length / MAX_IDS_PER_EVENT))
      const ids = added.flatMap((e) => (e.data as { memberIds: string[] }).memberIds)
      assert.ok(added.every((e) => (e.data as { memberIds: string[] }).memberIds.length <= MAX_IDS_PER_EVENT))
      assert.deepEqual(ids.sort(), [...userIds].sort())
    })

    it('emits nothing when the change rolls back', async () => {
      const before = await eventsOf(orgId)
      await groups.create(orgId, { schemas: [GROUP_SCHEMA], displayName: 'Taken' })
      const afterCreate = await eventsOf(orgId)
      // A duplicate displayName fails inside the transaction: the group, its memberships and its events all roll back.
      await assert.rejects(groups.create(orgId, { schemas: [GROUP_SCHEMA], displayName: 'taken', members: [{ value: userIds[0] }] }))
      await assert.rejects(
        store.transaction(async (tx) => {
          await appendEvents(tx, systemClock, orgId, [{ type: 'group.updated', data: { doomed: true } }])
          throw new Error('rolled back on purpose')
        }),
        /rolled back on purpose/,
      )
      const now = await eventsOf(orgId)
      assert.equal(now.length, afterCreate.length)
      assert.equal(afterCreate.length, before.length + 1)
      assert.ok(!now.some((e) => JSON.stringify(e.data).includes('doomed')))
      await assert.rejects(store.appendEvents(orgId, [{ id: 'evt_x', type: 'group.updated', organization: orgId, time: new Date().toISOString(), data: {} }]), /transaction/)
    })

    it('hands out gap-free sequences per organization and positions across organizations under concurrency', async () => {
      const other = await createOrganization(store, 'Concurrent Co')
      const writes = Array.from({ length: 30 }, (_, i) =>
        groups.create(i % 2 ? other : orgId, { schemas: [GROUP_SCHEMA], displayName: `Parallel ${i}` }),
      )
      await Promise.all(writes)
      for (const id of [orgId, other]) {
        const sequences = (await eventsOf(id)).map((e) => e.sequence)
        assert.deepEqual(sequences, sequences.map((_, i) => i + 1), `sequences of ${id} are 1..n`)
      }
      const positions = (await store.readAllEvents(0, 100_000)).map((e) => e.position)
      assert.deepEqual(positions, positions.map((_, i) => i + 1))
    })

    it('lets a reader polling during concurrent writes see every event once, in order', async () => {
      const busy = await createOrganization(store, 'Busy Co')
      const seen: number[] = []
      let after = 0
      let writing = true
      const reader = (async () => {
        for (let i = 0; i < 2_000 && (writing || i < 3); i++) {
          const page = await store.readOrgEvents(busy, after, 7)
          for (const event of page) seen.push(event.sequence)
          if (page.length) after = page[page.length - 1]!.sequence
          else if (!writing) break
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
      })()
      await Promise.all(Array.from({ length: 40 }, (_, i) => groups.create(busy, { schemas: [GROUP_SCHEMA], displayName: `Busy ${i}` })))
      writing = false
      await reader
      for (const event of await store.readOrgEvents(busy, after, 100)) seen.push(event.sequence)
      assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => i + 1))
    })
  })
}
