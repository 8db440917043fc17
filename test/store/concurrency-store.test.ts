import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { ScimError } from '../../src/scim/errors.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { buildUser, createGroup, createOrganization, createUser, nextTimestamp } from './store-fixtures.js'

const WRITERS = 12

for (const dialect of DIALECTS) {
  describe(`concurrent writes (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let orgId: string

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      orgId = await createOrganization(store)
    })
    after(() => close())

    it('loses no update when transactions read with forUpdate and write concurrently', async () => {
      const user = await createUser(store, orgId, { userName: 'counter', extra: { counter: 0 } })
      await Promise.all(
        Array.from({ length: WRITERS }, () =>
          store.transaction(async (tx) => {
            const current = await tx.findUser(orgId, user.id, { forUpdate: true })
            assert.ok(current)
            // 1. Read, 2. yield so the other writers run, 3. write what was read plus one.
            await sleep(5)
            const counter = Number(current.document.counter) + 1
            await tx.updateUser({ ...current, document: { ...current.document, counter }, version: current.version + 1, updatedAt: nextTimestamp() })
          }),
        ),
      )
      const final = await store.findUser(orgId, user.id)
      assert.equal(final?.document.counter, WRITERS)
      assert.equal(final?.version, 1 + WRITERS)
    })

    it('lets exactly one of several concurrent creates of one userName win; the others get 409', async () => {
      const attempts = await Promise.allSettled(
        ['race@example.com', 'RACE@example.com', 'Race@Example.com', 'race@EXAMPLE.com'].map((userName) =>
          store.transaction((tx) => tx.insertUser(buildUser(orgId, { userName }))),
        ),
      )
      assert.equal(attempts.filter((attempt) => attempt.status === 'fulfilled').length, 1)
      for (const attempt of attempts) {
        if (attempt.status === 'rejected') assert.ok(attempt.reason instanceof ScimError && attempt.reason.status === 409, String(attempt.reason))
      }
    })

    it('adds overlapping member lists concurrently without errors or duplicates', async () => {
      const group = await createGroup(store, orgId, 'Concurrent')
      const ids: string[] = []
      await store.transaction(async (tx) => {
        for (let i = 0; i < 300; i++) ids.push((await createUser(tx, orgId, { userName: `concurrent-${i}` })).id)
      })
      await Promise.all([ids.slice(0, 200), ids.slice(100, 300), ids, ids.slice(50, 250)].map((slice) => store.addGroupMembers(orgId, group.id, slice)))
      const members = await store.listGroupMembers(orgId, group.id, { limit: 1000 })
      assert.deepEqual(members.map((member) => member.userId), [...ids].sort())
    })
  })
}
