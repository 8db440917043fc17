import assert from 'node:assert/strict'
import { lookup } from 'node:dns/promises'
import { hostname } from 'node:os'
import { after, before, beforeEach, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { isPublicAddress } from '../../src/events/webhooks/address-guard.js'
import { DeliveryWorker } from '../../src/events/webhooks/delivery-worker.js'
import { postWebhook } from '../../src/events/webhooks/post-webhook.js'
import { systemClock } from '../../src/lib/clock.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'
import { until, WebhookReceiver } from '../helpers/webhook-receiver.js'

// timeoutMs: one hang costs this much, and a loaded machine must never turn a prompt answer into a timeout.
const WORKER = { allowPrivateUrls: true, timeoutMs: 1500, retryBaseMs: 20, retryMaxDelayMs: 80, maxAttempts: 3, pollIntervalMs: 20, batchSize: 10 }
type Payload = { id: string; type: string; sequence: number; organization: string; data: { displayName?: string } }

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhook delivery`, () => {
    let t: TestApp
    let api: ReturnType<typeof apiClient>
    let key: string
    let platformKey: string
    let receiver: WebhookReceiver
    let worker: DeliveryWorker
    let orgId: string
    let token: string

    before(async () => {
      t = await createTestApp(dialect, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } })
      api = apiClient(t.app, await OpenApiValidator.load(t.app))
      platformKey = (await new ApiKeys(t.store, systemClock).create(null)).key
      worker = new DeliveryWorker(t.store, systemClock, WORKER, (error) => {
        throw error
      })
    })
    after(() => t.close())
    beforeEach(async () => {
      // Each test: a fresh organization, receiver and endpoint, so that tests do not see each other's events.
      receiver?.close()
      receiver = await WebhookReceiver.start()
      ;({ orgId, token } = await t.createOrg(`Hooked ${Math.random()}`))
      key = (await new ApiKeys(t.store, systemClock).create(orgId)).key
    })

    const addEndpoint = async (eventTypes?: string[]) => {
      const created = await api('POST', `/api/v1/organizations/${orgId}/webhooks`, key, { url: receiver.url, ...(eventTypes ? { eventTypes } : {}) })
      assert.equal(created.status, 201)
      assert.match(created.body.secret, /^whsec_/)
      return created.body as { id: string; secret: string }
    }
    const group = (displayName: string) =>
      t.app.inject({ method: 'POST', url: '/org/scim/v2/Groups', headers: scimHeaders(token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName } })
    const pass = () => worker.runOnce()
    const payloads = (list = receiver.delivered) => list.map((r) => JSON.parse(r.body) as Payload)

    it('delivers an event once, with a signature the standardwebhooks library accepts', async () => {
      const endpoint = await addEndpoint()
      await group('Signed')
      await until(() => receiver.delivered.length === 1, pass)
      for (let i = 0; i < 5; i++) await pass()
      assert.equal(receiver.received.length, 1, 'delivered exactly once')
      const [request] = receiver.received
      const verified = new Webhook(endpoint.secret).verify(request!.body, request!.headers as Record<string, string>) as Payload
      assert.equal(verified.type, 'group.created')
      assert.equal(verified.data.displayName, 'Signed')
      assert.equal(request!.headers['webhook-id'], verified.id)
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request!.body, request!.headers as Record<string, string>))
      const deliveries = await api('GET', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}/deliveries`, key)
      assert.deepEqual(
        deliveries.body.data.map((d: { status: string; attempts: number; lastResponseCode: number; event: string }) => [d.status, d.attempts, d.lastResponseCode, d.event]),
        [['delivered', 1, 200, verified.id]],
      )
    })

    it('retries after a 500 and after a hang, with the same webhook-id', async () => {
      await addEndpoint()
      receiver.answers = [500, 'hang']
      await group('Flaky')
      await until(() => receiver.delivered.length === 1, pass)
      assert.deepEqual(receiver.received.map((r) => r.answer), [500, 'hang', 200])
      assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1)
    })

    it('keeps order per organization: a failing event holds the later ones back', async () => {
      await addEndpoint()
      receiver.answers = [500, 500]
      for (const name of ['First', 'Second', 'Third']) await group(name)
      await until(() => receiver.delivered.length === 3, pass)
      assert.deepEqual(payloads(receiver.received).map((p) => p.data.displayName), ['First', 'First', 'First', 'Second', 'Third'])
      assert.deepEqual(payloads().map((p) => p.sequence), [1, 2, 3])
    })

    it('marks the endpoint failing after the last attempt, shows why, and resumes in order on replay', async () => {
      const endpoint = await addEndpoint()
      receiver.fallback = 503
      await group('Down 1')
      await group('Down 2')
      const failing = async () => (await api('GET', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}`, key)).body.status === 'failing'
      await until(failing, pass)
      assert.equal(receiver.received.length, WORKER.maxAttempts, 'only the first event was tried')
      const deliveries = (await api('GET', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}/deliveries`, key)).body.data
      assert.equal(deliveries.length, 1)
      assert.equal(deliveries[0].status, 'failed')
      assert.equal(deliveries[0].attempts, WORKER.maxAttempts)
      assert.equal(deliveries[0].lastResponseCode, 503)
      for (let i = 0; i < 3; i++) await pass()
      assert.equal(receiver.received.length, WORKER.maxAttempts, 'a failing endpoint\'s events wait')

      receiver.fallback = 200
      const replayed = await api('POST', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}/deliveries/${deliveries[0].id}/replay`, key)
      assert.equal(replayed.body.status, 'pending')
      await until(() => receiver.delivered.length === 2, pass)
      assert.deepEqual(payloads().map((p) => p.data.displayName), ['Down 1', 'Down 2'])
      assert.equal((await api('GET', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}`, key)).body.status, 'active')

      const again = await api('POST', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}/deliveries/${deliveries[0].id}/replay`, key)
      assert.equal(again.body.replay, true)
      await until(() => receiver.delivered.length === 3, pass)
      assert.equal(payloads()[2]!.data.displayName, 'Down 1', 'a delivered event can be sent again on request')
    })

    it('signs with both secrets during a rotation, and filters by event type', async () => {
      const endpoint = await addEndpoint(['group.deleted'])
      const rotated = await api('POST', `/api/v1/organizations/${orgId}/webhooks/${endpoint.id}/rotate-secret`, key)
      assert.notEqual(rotated.body.secret, endpoint.secret)
      const created = await group('Short-lived')
      await t.app.inject({ method: 'DELETE', url: `/org/scim/v2/Groups/${created.json().id}`, headers: scimHeaders(token) })
      await until(() => receiver.delivered.length === 1, pass)
      for (let i = 0; i < 3; i++) await pass()
      assert.deepEqual(payloads().map((p) => p.type), ['group.deleted'])
      const [request] = receiver.received
      for (const secret of [endpoint.secret, rotated.body.secret]) new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)
      assert.equal(String(request!.headers['webhook-signature']).split(' ').length, 2)
    })

    it('delivers every organization\'s events to a platform endpoint', async () => {
      const created = await api('POST', '/api/v1/webhooks', platformKey, { url: receiver.url })
      assert.equal(created.status, 201)
      assert.equal((await api('POST', '/api/v1/webhooks', key, { url: receiver.url })).status, 403)
      const second = await t.createOrg('Second platform org')
      await group('From first')
      await t.app.inject({ method: 'POST', url: '/org/scim/v2/Groups', headers: scimHeaders(second.token), payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'From second' } })
      await until(() => receiver.delivered.length === 2, pass)
      assert.deepEqual(new Set(payloads().map((p) => p.organization)), new Set([orgId, second.orgId]))
      assert.equal((await api('DELETE', `/api/v1/webhooks/${created.body.id}`, platformKey)).status, 204)
    })

    it('lets two workers share the work without sending an event twice at once, in order', async () => {
      await addEndpoint()
      const second = new DeliveryWorker(t.store, systemClock, WORKER, (error) => {
        throw error
      })
      receiver.delayMs = 30
      for (let i = 1; i <= 6; i++) await group(`Shared ${i}`)
      await until(() => receiver.delivered.length === 6, () => Promise.all([worker.runOnce(), second.runOnce(), worker.runOnce()]), 20_000)
      assert.equal(receiver.received.length, 6, 'no event was sent twice')
      assert.deepEqual(payloads().map((p) => p.sequence), [1, 2, 3, 4, 5, 6])
    })

    it('refuses private and plain-http URLs unless allowed, as typed and as resolved', async (context) => {
      const strict = await createTestApp(dialect)
      try {
        const strictKey = (await new ApiKeys(strict.store, systemClock).create(strict.orgId)).key
        const strictApi = apiClient(strict.app, await OpenApiValidator.load(strict.app))
        for (const url of ['http://example.com/hook', 'https://127.0.0.1/hook', 'https://[::1]/hook', 'https://10.0.0.8/hook', 'https://localhost/hook', 'https://169.254.169.254/latest']) {
          const refused = await strictApi('POST', `/api/v1/organizations/${strict.orgId}/webhooks`, strictKey, { url })
          assert.equal(refused.status, 400, url)
          assert.match(refused.body.detail, /https|public address/)
        }
      } finally {
        await strict.close()
      }
      const resolved = await lookup(hostname()).catch(() => undefined)
      if (!resolved || isPublicAddress(resolved.address)) return context.skip('this machine\'s name does not resolve to a private address')
      const result = await postWebhook(`https://${hostname()}/hook`, {}, '{}', { timeoutMs: 1000, allowPrivate: false })
      assert.equal(result.ok, false)
      assert.match(result.error!, /private or loopback/)
    })

    after(() => receiver?.close())
  })
}
