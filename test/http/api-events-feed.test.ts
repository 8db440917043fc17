import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildApp } from '../../src/app.js'
import { appendEvents, } from '../../src/events/outbox.js'
import { pruneExpiredEvents } from '../../src/events/feed.js'
import { systemClock } from '../../src/lib/clock.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { openStore } from '../../src/store/open-store.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'

type FeedPage = { status: number; body: { data: Array<{ id: string; type: string; sequence: number; organization: string }>; next: string | null; type?: string; detail?: string } }

const createGroup = (t: TestApp, token: string, displayName: string) =>
  t.app.inject({ method: 'POST', url: '/org/scim/v2/Groups', headers: scimHeaders(token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName } })

for (const dialect of DIALECTS) {
  describe(`${dialect}: the event feed`, () => {
    let t: TestApp
    let platformKey: string
    let orgKey: string
    let other: { orgId: string; token: string }

    before(async () => {
      t = await createTestApp(dialect)
      const keys = new ApiKeys(t.store, systemClock)
      platformKey = (await keys.create(null)).key
      orgKey = (await keys.create(t.orgId)).key
      other = await t.createOrg('Other')
    })
    after(() => t.close())

    it('is read from a stored cursor across a restart of Roster without gaps or repeats', async () => {
      const api = apiClient(t.app, await OpenApiValidator.load(t.app))
      for (let i = 0; i < 5; i++) await createGroup(t, t.token, `Before ${i}`)
      await createGroup(t, other.token, 'Not ours')
      const seen: FeedPage['body']['data'] = []
      let cursor: string | null = null
      for (let round = 0; round < 10; round++) {
        const page: FeedPage = await api('GET', `/api/v1/organizations/${t.orgId}/events?limit=2${cursor ? `&after=${cursor}` : ''}`, orgKey)
        assert.equal(page.status, 200)
        seen.push(...page.body.data)
        if (!page.body.data.length) break
        cursor = page.body.next
      }
      assert.equal(seen.length, 5)
      assert.ok(cursor)

      // Restart: a new store and app on the same database; the consumer comes back with its stored cursor.
      await t.app.close()
      const store = await openStore(t.config.databaseUrl)
      const app = await buildApp({ config: t.config, store, logger: false })
      try {
        const api2 = apiClient(app, await OpenApiValidator.load(app))
        const empty: FeedPage = await api2('GET', `/api/v1/organizations/${t.orgId}/events?after=${cursor}`, orgKey)
        assert.deepEqual(empty.body.data, [])
        assert.equal(empty.body.next, cursor, 'an empty page hands the cursor back')
        for (let i = 0; i < 3; i++) {
          await app.inject({ method: 'POST', url: '/org/scim/v2/Groups', headers: scimHeaders(t.token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `After ${i}` } })
        }
        const rest: FeedPage = await api2('GET', `/api/v1/organizations/${t.orgId}/events?after=${cursor}&limit=50`, orgKey)
        seen.push(...rest.body.data)
      } finally {
        await app.close()
        await store.close()
      }
      assert.deepEqual(seen.map((e) => e.sequence), [1, 2, 3, 4, 5, 6, 7, 8], 'every event once, in order')
      assert.ok(seen.every((e) => e.organization === t.orgId && e.type === 'group.created'))
      assert.equal(new Set(seen.map((e) => e.id)).size, 8)
      // Rebuild the shared app for the other tests.
      t.app = await buildApp({ config: t.config, store: t.store, logger: false })
    })

    it('serves the platform feed to platform keys only, in commit order across organizations', async () => {
      const api = apiClient(t.app, await OpenApiValidator.load(t.app))
      const forbidden: FeedPage = await api('GET', '/api/v1/events', orgKey)
      assert.equal(forbidden.status, 403)
      const all: FeedPage = await api('GET', '/api/v1/events?limit=200', platformKey)
      const orgs = new Set(all.body.data.map((e) => e.organization))
      assert.ok(orgs.has(t.orgId) && orgs.has(other.orgId))
      const mine = all.body.data.filter((e) => e.organization === t.orgId).map((e) => e.sequence)
      assert.deepEqual(mine, [...mine].sort((a, b) => a - b))
      const wrongKind: FeedPage = await api('GET', `/api/v1/events?after=${all.body.next}`, platformKey)
      assert.equal(wrongKind.status, 200)
      const orgCursorOnPlatform: FeedPage = await api('GET', `/api/v1/organizations/${t.orgId}/events?after=${all.body.next}`, orgKey)
      assert.equal(orgCursorOnPlatform.status, 400, 'a platform cursor is not an organization cursor')
    })

    it('answers 410 cursor-expired for a cursor older than retention, and reads on from the oldest kept event without one', async () => {
      // A database of its own: the old events must be the oldest ones, as they are in real life.
      const r = await createTestApp(dialect)
      after(() => r.close())
      const api = apiClient(r.app, await OpenApiValidator.load(r.app))
      const org = { orgId: r.orgId, token: r.token }
      const retentionKey = (await new ApiKeys(r.store, systemClock).create(org.orgId)).key
      const longAgo = { now: () => new Date(Date.now() - 40 * 86_400_000) }
      for (let i = 0; i < 3; i++) {
        await r.store.transaction((tx) => appendEvents(tx, longAgo, org.orgId, [{ type: 'group.updated', data: { old: i } }]))
      }
      const first: FeedPage = await api('GET', `/api/v1/organizations/${org.orgId}/events?limit=1`, retentionKey)
      const oldCursor = first.body.next!
      await createGroup(r, org.token, 'Fresh')
      assert.equal(await pruneExpiredEvents(r.store, systemClock, 30), 3)
      assert.equal(await pruneExpiredEvents(r.store, systemClock, 30), 0, 'the fresh event is kept')
      const expired: FeedPage = await api('GET', `/api/v1/organizations/${org.orgId}/events?after=${oldCursor}`, retentionKey)
      assert.equal(expired.status, 410)
      assert.equal(expired.body.type, 'urn:roster:problem:cursor-expired')
      assert.match(expired.body.detail!, /EVENT_RETENTION_DAYS/)
      const fresh: FeedPage = await api('GET', `/api/v1/organizations/${org.orgId}/events`, retentionKey)
      assert.deepEqual(fresh.body.data.map((e) => e.sequence), [4])
      const afterFresh: FeedPage = await api('GET', `/api/v1/organizations/${org.orgId}/events?after=${fresh.body.next}`, retentionKey)
      assert.equal(afterFresh.status, 200, 'a cursor at a kept event still works')
    })
  })
}
