import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { sql } from 'kysely'
import { openStore, parseDatabaseUrl } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

/** Revokes with plain SQL on a connection of its own: no repository, so nothing but the engine can tell the cache. */
async function rawRevoke(databaseUrl: string, tokenId: string, options = { announce: false }): Promise<void> {
  const { dialect, location } = parseDatabaseUrl(databaseUrl)
  const db = dialect.open(location, { poolSize: 1 })
  try {
    await sql`update scim_tokens set revoked_at = ${new Date().toISOString()} where id = ${tokenId}`.execute(db)
    if (options.announce) await dialect.announceTokenChange?.(db)
  } finally {
    await db.destroy()
  }
}

/**
 * Token records are kept in memory between requests (tokens-repo.ts); a revoked or deleted token must still be refused
 * by the next request, whoever changed it: this process, or another connection such as the CLI's (SQLite: at once;
 * PostgreSQL: as soon as the NOTIFY arrives, within a second in any case).
 */
for (const dialect of DIALECTS) {
  describe(`${dialect}: a token check never believes a stale token record`, () => {
    let store: Store
    let other: Store
    let close: () => Promise<void>
    let tokens: ScimTokens
    let orgs: Organizations
    let databaseUrl: string
    before(async () => {
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

    it('refuses, within a second, a token revoked by a bare SQL update that told no one (the engine\'s own signal)', async () => {
      const org = await orgs.create('Bare update')
      const issued = await tokens.issue(org.id)
      // Warm the cache (PostgreSQL starts listening on the first check, so check until a record is cached).
      for (let i = 0; i < 20; i++) {
        assert.equal((await tokens.verify(issued.token)).ok, true)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const started = Date.now()
      await rawRevoke(databaseUrl, issued.record.id)
      let refusedAfterMs: number | undefined
      for (let i = 0; i < 100 && refusedAfterMs === undefined; i++) {
        if (!(await tokens.verify(issued.token)).ok) refusedAfterMs = Date.now() - started
        else await new Promise((resolve) => setTimeout(resolve, 20))
      }
      assert.ok(refusedAfterMs !== undefined && refusedAfterMs <= 1_100, `refused after ${refusedAfterMs} ms`)
    })

    if (dialect === 'postgres') {
      it('refuses a token another instance revoked as soon as its NOTIFY arrives, well before the one-second bound', async () => {
        const org = await orgs.create('Notified')
        const issued = await tokens.issue(org.id)
        for (let i = 0; i < 20; i++) {
          assert.equal((await tokens.verify(issued.token)).ok, true)
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        const started = Date.now()
        await rawRevoke(databaseUrl, issued.record.id, { announce: true })
        let refusedAfterMs: number | undefined
        for (let i = 0; i < 200 && refusedAfterMs === undefined; i++) {
          if (!(await tokens.verify(issued.token)).ok) refusedAfterMs = Date.now() - started
          else await new Promise((resolve) => setTimeout(resolve, 5))
        }
        assert.ok(refusedAfterMs !== undefined && refusedAfterMs < 500, `refused after ${refusedAfterMs} ms`)
      })
    }

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
