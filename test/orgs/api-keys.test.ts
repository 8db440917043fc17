import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sha256Hex } from '../../src/lib/tokens.js'
import { API_KEY_PREFIX, ApiKeys } from '../../src/orgs/api-keys.js'
import { Organizations } from '../../src/orgs/organizations.js'
import type { Clock } from '../../src/lib/clock.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

class ManualClock implements Clock {
  #now = Date.parse('2026-01-01T00:00:00.000Z')
  now(): Date {
    return new Date(this.#now)
  }
  advance(ms: number): void {
    this.#now += ms
  }
}

async function lastUsedOf(store: Store, id: string, expected: string | null): Promise<string | null> {
  let seen: string | null = null
  for (let attempt = 0; attempt < 50; attempt++) {
    seen = (await store.findApiKey(id))?.lastUsedAt ?? null
    if (seen === expected) return seen
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return seen
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: API keys`, () => {
    let store: Store
    let close: () => Promise<void>
    let clock: ManualClock
    let keys: ApiKeys
    let orgId: string
    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      clock = new ManualClock()
      keys = new ApiKeys(store, clock)
      orgId = (await new Organizations(store, clock).create('Keys Inc')).id
    })
    after(() => close())

    it('issues prefixed keys, stores only the SHA-256 of the secret, and names the scope on verify', async () => {
      const platform = await keys.create(null)
      const org = await keys.create(orgId)
      assert.match(platform.key, /^rostk_[0-9a-z]{24}\.[A-Za-z0-9_-]{43}$/)
      assert.ok(platform.key.startsWith(API_KEY_PREFIX))
      const stored = await store.findApiKey(org.record.id)
      assert.equal(stored?.secretHash, sha256Hex(org.key.split('.')[1]!))
      assert.ok(!JSON.stringify(stored).includes(org.key.split('.')[1]!), 'the secret itself is not stored')
      assert.deepEqual(await keys.verify(platform.key), { ok: true, keyId: platform.record.id, scope: { kind: 'platform' } })
      assert.deepEqual(await keys.verify(org.key), { ok: true, keyId: org.record.id, scope: { kind: 'organization', orgId } })
    })

    it('refuses altered, unknown and foreign credentials with a reason that does not echo them', async () => {
      const { key } = await keys.create(orgId)
      const altered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`
      for (const presented of [altered, key.slice(0, 20), 'scimtok_abc', `rostk_${'a'.repeat(24)}.${'b'.repeat(43)}`]) {
        const result = await keys.verify(presented)
        assert.equal(result.ok, false, presented)
        if (!result.ok) assert.ok(!result.reason.includes(presented), 'the reason never echoes the key')
      }
    })

    it('revokes at once, only within the named organization, and refuses a second revoke', async () => {
      const other = (await new Organizations(store, clock).create('Other')).id
      const issued = await keys.create(orgId)
      await assert.rejects(keys.revoke(issued.record.id, other), { name: 'DomainError', code: 'not_found' })
      assert.equal((await keys.verify(issued.key)).ok, true)
      await keys.revoke(issued.record.id, orgId)
      const after = await keys.verify(issued.key)
      assert.equal(after.ok, false)
      if (!after.ok) assert.match(after.reason, /revoked/)
      await assert.rejects(keys.revoke(issued.record.id), { code: 'not_found' })
    })

    it('lists every key, platform keys, or one organization\'s, never with secrets', async () => {
      const all = await keys.list()
      assert.ok(all.some((k) => k.organization === null) && all.some((k) => k.organization === orgId))
      assert.ok((await keys.list(null)).every((k) => k.organization === null))
      assert.ok((await keys.list(orgId)).every((k) => k.organization === orgId))
      assert.ok(all.every((k) => !('secretHash' in k)))
      await assert.rejects(keys.create('org_nope'), { code: 'not_found' })
    })

    it('writes last-used at most once a minute per key', async () => {
      const issued = await keys.create(orgId)
      await keys.verify(issued.key)
      const first = clock.now().toISOString()
      assert.equal(await lastUsedOf(store, issued.record.id, first), first)
      clock.advance(30_000)
      await keys.verify(issued.key)
      await new Promise((resolve) => setTimeout(resolve, 50))
      assert.equal((await store.findApiKey(issued.record.id))?.lastUsedAt, first)
      clock.advance(31_000)
      await keys.verify(issued.key)
      const second = clock.now().toISOString()
      assert.equal(await lastUsedOf(store, issued.record.id, second), second)
    })
  })
}
