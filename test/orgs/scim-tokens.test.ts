import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Clock } from '../../src/lib/clock.js'
import { DomainError } from '../../src/lib/domain-error.js'
import { sha256Hex } from '../../src/lib/tokens.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { MAX_ACTIVE_TOKENS, ScimTokens } from '../../src/orgs/scim-tokens.js'
import type { Store } from '../../src/store/store.js'
import { ensureDefaultOrganization } from '../../src/orgs/first-start.js'
import { openStore } from '../../src/store/open-store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

/** A clock the test moves by hand, to cross the last-used write interval without waiting a minute. */
class ManualClock implements Clock {
  #now = Date.parse('2026-01-01T00:00:00.000Z')
  now(): Date {
    return new Date(this.#now)
  }
  advance(ms: number): void {
    this.#now += ms
  }
}

/** The last-used write is fire-and-forget; wait (bounded) until the store shows `expected`. */
async function lastUsedOf(store: Store, id: string, expected: string | null): Promise<string | null> {
  let seen: string | null = null
  for (let attempt = 0; attempt < 50; attempt++) {
    seen = (await store.findScimToken(id))?.lastUsedAt ?? null
    if (seen === expected) return seen
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return seen
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM tokens`, () => {
    let store: Store
    let databaseUrl: string
    let close: () => Promise<void>
    let clock: ManualClock
    let tokens: ScimTokens
    let orgs: Organizations
    before(async () => {
      ;({ store, close, databaseUrl } = await openTestStore(dialect))
      clock = new ManualClock()
      tokens = new ScimTokens(store, clock)
      orgs = new Organizations(store, clock)
    })
    after(() => close())

    it('issues a prefixed token whose secret is stored only as its SHA-256 and never listed', async () => {
      const org = await orgs.create('Hashing')
      const issued = await tokens.issue(org.id)
      assert.match(issued.token, /^scimtok_[0-9a-z]{24}\.[A-Za-z0-9_-]{43}$/)
      const stored = await store.findScimToken(issued.record.id)
      const secret = issued.token.split('.')[1]!
      assert.equal(stored?.secretHash, sha256Hex(secret))
      assert.ok(!JSON.stringify(stored).includes(secret))
      const listed = JSON.stringify(await tokens.list(org.id))
      assert.ok(!listed.includes(secret) && !listed.includes(stored!.secretHash))
    })

    it('verifies a token to its own organization and refuses altered, unknown and malformed ones with a reason', async () => {
      const first = await orgs.create('First')
      const second = await orgs.create('Second')
      const a = await tokens.issue(first.id)
      const b = await tokens.issue(second.id)
      assert.deepEqual(await tokens.verify(a.token), { ok: true, orgId: first.id, tokenId: a.record.id })
      assert.deepEqual(await tokens.verify(b.token), { ok: true, orgId: second.id, tokenId: b.record.id })
      const [idPart, secret] = a.token.split('.') as [string, string]
      const altered = `${idPart}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
      const swapped = `${b.token.split('.')[0]}.${secret}`
      for (const bad of [altered, swapped, 'scimtok_000000000000000000000000.' + 'x'.repeat(43)]) {
        const result = await tokens.verify(bad)
        assert.equal(result.ok, false)
        if (!result.ok) assert.match(result.reason, /not known/)
      }
      const jwt = await tokens.verify('eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln')
      assert.ok(!jwt.ok && /JWT/.test(jwt.reason) && /Secret Token field is empty/.test(jwt.reason))
      const malformed = await tokens.verify('hunter2')
      assert.ok(!malformed.ok && /start with "scimtok_"/.test(malformed.reason))
    })

    it('holds at most two active tokens, so rotation is: issue the new one, switch Entra, revoke the old', async () => {
      const org = await orgs.create('Rotation')
      const old = await tokens.issue(org.id)
      const next = await tokens.issue(org.id)
      assert.equal(MAX_ACTIVE_TOKENS, 2)
      await assert.rejects(tokens.issue(org.id), (error) => error instanceof DomainError && error.code === 'conflict' && /revoke one/.test(error.message))
      await tokens.revoke(org.id, old.record.id)
      const revoked = await tokens.verify(old.token)
      assert.ok(!revoked.ok && /revoked/.test(revoked.reason))
      assert.equal((await tokens.verify(next.token)).ok, true)
      await tokens.issue(org.id)
      await assert.rejects(tokens.revoke(org.id, old.record.id), (error) => error instanceof DomainError && error.code === 'not_found')
      const other = await orgs.create('Not the owner')
      await assert.rejects(tokens.revoke(other.id, next.record.id), (error) => error instanceof DomainError && error.code === 'not_found')
      assert.equal((await tokens.verify(next.token)).ok, true)
    })

    it('records last use at most about once a minute per token', async () => {
      const org = await orgs.create('Last used')
      const issued = await tokens.issue(org.id)
      assert.equal((await store.findScimToken(issued.record.id))?.lastUsedAt, null)
      const firstUse = clock.now().toISOString()
      await tokens.verify(issued.token)
      assert.equal(await lastUsedOf(store, issued.record.id, firstUse), firstUse)
      clock.advance(30_000)
      await tokens.verify(issued.token)
      await new Promise((resolve) => setTimeout(resolve, 50))
      assert.equal((await store.findScimToken(issued.record.id))?.lastUsedAt, firstUse, 'a use 30 s later is not written')
      clock.advance(31_000)
      const laterUse = clock.now().toISOString()
      await tokens.verify(issued.token)
      assert.equal(await lastUsedOf(store, issued.record.id, laterUse), laterUse)
    })

    // Two connections in one process only make sense for PostgreSQL: better-sqlite3 waits for a lock synchronously,
    // so a second SQLite connection in the same process would block the event loop the first one needs to commit.
    // Across processes (server and CLI) SQLite's BEGIN IMMEDIATE and busy timeout do the same job.
    const secondConnection = (): Promise<Store> => (dialect === 'postgres' ? openStore(databaseUrl, { poolSize: 4 }) : Promise.resolve(store))

    it('never passes two active tokens when issues race (from two connections on PostgreSQL)', async () => {
      const org = await orgs.create('Racing')
      const second = await secondConnection()
      try {
        const rivals = [tokens, new ScimTokens(second, clock)]
        const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => rivals[i % 2]!.issue(org.id)))
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2)
        for (const result of results) {
          if (result.status === 'rejected') assert.ok(result.reason instanceof DomainError && result.reason.code === 'conflict', String(result.reason))
        }
        assert.equal((await tokens.list(org.id)).filter((t) => t.active).length, 2)
      } finally {
        if (second !== store) await second.close()
      }
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: first start`, () => {
    it('creates one default organization and token when two instances start together on an empty database', async () => {
      const { store, databaseUrl, close } = await openTestStore(dialect)
      // As above: a second connection only for PostgreSQL; on SQLite the race is between concurrent calls.
      const second = dialect === 'postgres' ? await openStore(databaseUrl, { poolSize: 2 }) : store
      try {
        const clock = { now: () => new Date() }
        const starts = await Promise.all([ensureDefaultOrganization(store, clock), ensureDefaultOrganization(second, clock)])
        assert.deepEqual(starts.map((start) => start.kind).sort(), ['created', 'existing'])
        assert.equal((await store.listOrganizations()).length, 1)
        const again = await ensureDefaultOrganization(store, clock)
        assert.equal(again.kind, 'existing')
      } finally {
        if (second !== store) await second.close()
        await close()
      }
    })
  })
}
