import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { startThrowawayPostgres } from '../../scripts/pg-cluster.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { systemClock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { openStore } from '../../src/store/open-store.js'
import { DIALECTS } from '../helpers/dialects.js'

/**
 * Issue 12, item 7: PostgreSQL stopped and started under load. Its own throwaway cluster (never the shared test
 * cluster): requests during the outage get 503 with Retry-After, never 500, and Roster recovers without a restart.
 */
describe('a PostgreSQL outage under load', { skip: !DIALECTS.includes('postgres') && 'PostgreSQL is not part of this run' }, () => {
  test('503 with Retry-After while the database is down, never 500, and recovery without restart', async () => {
    const cluster = await startThrowawayPostgres()
    const store = await openStore(cluster.url, { poolSize: 4 })
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: cluster.url, SCIM_RATE_LIMIT: '0' }), store, logger: false })
    try {
      // Plugins load (and route schemas compile) before the 'before' phase starts, so that phase measures requests.
      await app.ready()
      const org = await new Organizations(store, systemClock).create('Acme')
      const token = (await new ScimTokens(store, systemClock).issue(org.id)).token
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }
      let phase: 'before' | 'down' | 'after' = 'before'
      let running = true
      const seen: { phase: string; response: LightMyRequestResponse }[] = []
      let counter = 0
      const worker = async () => {
        while (running) {
          const n = counter++
          const response =
            n % 2 === 0
              ? await app.inject({ method: 'POST', url: '/org/scim/v2/Users', headers, payload: { userName: `outage-${n}@contoso.test` } })
              : await app.inject({ method: 'GET', url: `/org/scim/v2/Users?filter=${encodeURIComponent(`userName eq "outage-${n - 1}@contoso.test"`)}`, headers })
          seen.push({ phase, response })
          await sleep(10)
        }
      }
      const workers = Array.from({ length: 4 }, () => worker())
      // Load first: wait (bounded) until writes succeed, so a busy machine's slow first requests cannot skip this phase.
      const warmUntil = Date.now() + 20_000
      while (Date.now() < warmUntil && !seen.some((entry) => entry.phase === 'before' && entry.response.statusCode === 201)) await sleep(50)
      await sleep(200)
      phase = 'down'
      await cluster.halt()
      await sleep(1500)
      phase = 'after'
      await cluster.resume()
      // Recovery: a write succeeds again within a bounded time, on the same app and pool.
      const deadline = Date.now() + 30_000
      let recovered = false
      while (!recovered && Date.now() < deadline) {
        await sleep(200)
        recovered = seen.some((entry) => entry.phase === 'after' && entry.response.statusCode === 201)
      }
      running = false
      await Promise.all(workers)

      const serverErrors = seen.filter((entry) => entry.response.statusCode >= 500 && entry.response.statusCode !== 503)
      assert.deepEqual(serverErrors.map((entry) => `${entry.phase} ${entry.response.statusCode} ${entry.response.body}`), [])
      const unavailable = seen.filter((entry) => entry.response.statusCode === 503)
      assert.ok(unavailable.length > 0, 'no request met the outage')
      for (const entry of unavailable) {
        assert.equal(entry.response.headers['retry-after'], '5')
        assert.equal(entry.response.json().schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error')
      }
      assert.ok(seen.some((entry) => entry.phase === 'before' && entry.response.statusCode === 201))
      assert.ok(recovered, 'no write succeeded after PostgreSQL came back')
    } finally {
      await app.close()
      await store.close().catch(() => {})
      await cluster.stop()
    }
  })
})
