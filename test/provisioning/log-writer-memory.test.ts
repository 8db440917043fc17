import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { after, before, describe, test } from 'node:test'
import type { Clock } from '../../src/lib/clock.js'
import type { RequestFacts } from '../../src/provisioning/build-log-entry.js'
import { LogWriter } from '../../src/provisioning/log-writer.js'
import { ProvisioningLog } from '../../src/provisioning/provisioning-log.js'
import { RequestCollector } from '../../src/provisioning/request-collector.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'
import { logEntry } from './log-fixtures.js'

const NOW = Date.parse('2026-06-15T12:00:00.000Z')
const clock: Clock = { now: () => new Date(NOW) }

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

const facts = (orgId: string, ms: number): RequestFacts => ({
  orgId, time: new Date(NOW + ms), requestId: `req-${ms}`, tokenId: 'tok_aaaaaaaaaaaaaaaaaaaaaaaa', userAgent: 'Azure Active Directory SCIM',
  method: 'PUT', path: '/org/scim/v2/Groups/grp_big', resourceType: 'Group', resourceId: 'grp_big', requestedName: 'Big',
  status: 200, scimType: null, detail: null, durationMs: 3,
})

/**
 * A request's entry may be built with its batch (LogWriter.enqueueRequest), but what it then holds until that batch
 * is a write's whole documents and member lists, where a built entry holds a bounded diff and at most 100 ids per
 * direction. While the database keeps a batch waiting (a lock, a slow disk), the queue fills up to its limit
 * (10,000): it must fill with bounded entries, not with 10,000-member lists.
 */
for (const dialect of DIALECTS) {
  describe(`${dialect}: provisioning log writer memory`, () => {
    let store: Store
    let close: () => Promise<void>

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
    })
    after(() => close())

    test("a request answered while a batch waits for the database does not keep its write's member list", async () => {
      const orgId = await createOrganization(store, 'Big group')
      const deleted = await createOrganization(store, 'Being deleted')
      const writer = new LogWriter(store, { batchSize: 100, flushIntervalMs: 10_000, queueLimit: 1000 })

      // The database keeps the writer waiting: a transaction deletes an organization that the batch has an entry of
      // (PostgreSQL: the batch waits for that row's lock; SQLite: for its one writer).
      let started!: () => void
      const holding = new Promise<void>((resolve) => (started = resolve))
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      const deletion = store.transaction(async (tx) => {
        await tx.deleteOrganization(deleted)
        started()
        await held
      })
      await holding
      writer.enqueue(logEntry(deleted, new Date(NOW)))
      const flushing = writer.flush()
      await new Promise((resolve) => setTimeout(resolve, 50))

      // A group PUT of 10,000 members is answered meanwhile.
      const members = (): WeakRef<string[]> => {
        const userIds = Array.from({ length: 10_000 }, (_, i) => `usr_${String(i).padStart(24, '0')}`)
        const collected = new RequestCollector()
        collected.changed({
          resourceType: 'Group', resourceId: 'grp_big', name: 'Big', before: { displayName: 'Big' }, after: { displayName: 'Big' },
          membership: [{ kind: 'replace', userIds }],
        })
        writer.enqueueRequest(facts(orgId, 1), collected)
        return new WeakRef(userIds)
      }
      const list = members()
      await new Promise((resolve) => setImmediate(resolve))
      collectGarbage()
      const retained = list.deref() !== undefined

      release()
      await deletion
      await flushing
      await writer.stop()
      assert.equal(retained, false, "the queue holds the request's entry (at most 100 ids a direction), not its 10,000 member ids")
      const [entry] = (await new ProvisioningLog(store, clock).queryLog(orgId, {}, { limit: 10 })).entries
      assert.equal(entry?.operation, 'group_membership')
      assert.equal(entry?.membership?.addedCount, 10_000)
      assert.equal(entry?.membership?.added.length, 100)
      assert.equal(entry?.membership?.removedAll, true)
    })
  })
}
