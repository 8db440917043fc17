import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { openStore } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

/**
 * SQLite keeps token records in memory between requests (tokens-repo.ts); a revoked or deleted token must still be
 * refused by the very next request, whoever changed it: this process, or another connection such as the CLI's.
 */
for (const dialect of DIALECTS) {
  describe(`${dialect}: a token check never believes a stale token record`, () => {
    let store: Store
    let other: Store
    let close: () => Promise<void>
    let tokens: ScimTokens
    let orgs: Organizations
    before(async () => {
      let databaseUrl: string
      ;({ store, close, databaseUrl } = await openTestStore(dialect))
      // A second connection to the same database: what the CLI or another process is.
      other = await openStore(databaseUrl)
      tokens = new ScimTokens(store, systemClock)
      orgs = new Organizations(store, systemClock)
    })
    after(async () => {
      await other.close()
      await close()
    })

    it('refuses a token at the next check after another connection revoked it', async () => {
      const org = await orgs.create('Other process')
      const issued = await tokens.issue(org.id)
      for (let i = 0; i < 3; i++) assert.equal((await tokens.verify(issued.token)).ok, true)
      await new ScimTokens(other, systemClock).revoke(org.id, issued.record.id)
      const after = await tokens.verify(issued.token)
      assert.equal(after.ok, false)
      assert.match(after.ok ? '' : after.reason, /revoked/)
    })

    it('refuses a token at the next check after this process revoked it, or deleted its organization', async () => {
      const org = await orgs.create('Same process')
      const [first, second] = [await tokens.issue(org.id), await tokens.issue(org.id)]
      assert.equal((await tokens.verify(first.token)).ok, true)
      assert.equal((await tokens.verify(second.token)).ok, true)
      // Revoked through another ScimTokens over the same store (the API's instance, say).
      await new ScimTokens(store, systemClock).revoke(org.id, first.record.id)
      assert.equal((await tokens.verify(first.token)).ok, false)
      assert.equal((await tokens.verify(second.token)).ok, true)
      await store.deleteOrganization(org.id)
      assert.equal((await tokens.verify(second.token)).ok, false)
    })

    it('a revocation racing a check: once the revoke has returned, no check accepts the token', async () => {
      const org = await orgs.create('Race')
      const issued = await tokens.issue(org.id)
      const checks: Promise<unknown>[] = []
      for (let i = 0; i < 20; i++) checks.push(tokens.verify(issued.token))
      const revoked = tokens.revoke(org.id, issued.record.id)
      for (let i = 0; i < 20; i++) checks.push(tokens.verify(issued.token))
      await Promise.all([revoked, ...checks])
      for (let i = 0; i < 5; i++) assert.equal((await tokens.verify(issued.token)).ok, false)
    })
  })
}
