import type { Clock } from '../../lib/clock.js'
import { newId } from '../../lib/ids.js'
import { Loop } from '../../lib/loop.js'
import { eventJson } from '../feed.js'
import type { EventStore } from '../store.js'
import type { RosterEvent } from '../types.js'
import { retryDelayMs } from './backoff.js'
import { postWebhook, type PostResult } from './post-webhook.js'
import { webhookHeaders } from './signer.js'
import type { ClaimedEndpoint, EndpointProgress, WebhookDelivery, WebhookEndpoint } from './types.js'

export interface DeliveryWorkerOptions {
  allowPrivateUrls: boolean
  timeoutMs: number
  retryBaseMs: number
  retryMaxDelayMs: number
  maxAttempts: number
  pollIntervalMs: number
  batchSize: number
}

/** Events read per endpoint per pass to find the next one it subscribes to. */
const SCAN_EVENTS = 100

/**
 * Delivers the outbox to webhook endpoints, beside the request path (main.ts starts and stops it). Each pass claims
 * a bounded batch of endpoints with due work under a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so instances share
 * the work and never send one endpoint's events at once), and makes at most one attempt per endpoint. An endpoint's
 * cursor moves only past a delivered (or unsubscribed) event, so delivery is at least once and in order per
 * endpoint: a failing event holds the later ones back until it succeeds, runs out of attempts (endpoint `failing`),
 * or is replayed. A worker killed mid-attempt leaves its lease to expire; the next claim sends the event again.
 */
export class DeliveryWorker {
  readonly #store: EventStore
  readonly #clock: Clock
  readonly #options: DeliveryWorkerOptions
  readonly #loop: Loop

  constructor(store: EventStore, clock: Clock, options: DeliveryWorkerOptions, onError: (error: unknown) => void) {
    this.#store = store
    this.#clock = clock
    this.#options = options
    this.#loop = new Loop(() => this.runOnce(), { intervalMs: options.pollIntervalMs, onError })
  }

  start(): void {
    this.#loop.start()
  }

  /** Lets the attempts in flight finish (each bounded by the timeout), then resolves. */
  stop(): Promise<void> {
    return this.#loop.stop()
  }

  /** One pass; true when it made progress (an attempt, a moved cursor), so the loop runs again at once. */
  async runOnce(): Promise<boolean> {
    const now = this.#clock.now()
    // The lease outlives one attempt (timeout) and its bookkeeping; a crashed worker's claims expire after it.
    const leaseUntil = new Date(now.getTime() + 2 * this.#options.timeoutMs + 2_000).toISOString()
    const claims = await this.#store.claimWebhookEndpoints(now.toISOString(), leaseUntil, this.#options.batchSize)
    const progressed = await Promise.all(claims.map((claim) => this.#process(claim)))
    return progressed.some(Boolean)
  }

  /** At most one attempt for the endpoint; true when it attempted something or moved its cursor. */
  async #process(claim: ClaimedEndpoint): Promise<boolean> {
    const endpoint = claim.endpoint
    const progress: EndpointProgress = { cursor: endpoint.cursor, nextAttemptAt: endpoint.nextAttemptAt, failing: false, updatedAt: this.#now() }
    try {
      const replay = await this.#store.nextReplay(endpoint.id, this.#now())
      if (replay) {
        const event = await this.#store.findEvent(replay.eventPosition, replay.eventId)
        if (event) await this.#attempt(endpoint, replay, event)
        else await this.#store.updateDelivery({ ...replay, status: 'failed', replay: false, lastError: 'the event was removed by retention before it could be replayed', updatedAt: this.#now() })
        return true
      }
      if (endpoint.nextAttemptAt !== null && endpoint.nextAttemptAt > this.#now()) return false
      const events = await this.#store.readEventsForEndpoint(endpoint.orgId, endpoint.cursor, SCAN_EVENTS)
      for (const event of events) {
        if (endpoint.eventTypes !== null && !endpoint.eventTypes.includes(event.type)) {
          progress.cursor = event.position
          continue
        }
        const delivery = await this.#deliveryFor(endpoint, event)
        // Delivered by an earlier pass that died before moving the cursor: never send it twice on purpose.
        if (delivery.status === 'delivered') {
          progress.cursor = event.position
          continue
        }
        const sent = await this.#attempt(endpoint, delivery, event)
        if (sent.status === 'delivered') {
          progress.cursor = event.position
          progress.nextAttemptAt = null
        } else {
          progress.nextAttemptAt = sent.nextAttemptAt
          progress.failing = sent.status === 'failed'
        }
        return true
      }
      return progress.cursor !== endpoint.cursor
    } finally {
      progress.updatedAt = this.#now()
      await this.#store.releaseWebhookEndpoint(claim, progress)
    }
  }

  async #deliveryFor(endpoint: WebhookEndpoint, event: RosterEvent): Promise<WebhookDelivery> {
    const existing = await this.#store.findDelivery(endpoint.id, event.id)
    if (existing) return existing
    const now = this.#now()
    const delivery: WebhookDelivery = {
      id: newId('whd'),
      endpointId: endpoint.id,
      eventId: event.id,
      eventPosition: event.position,
      eventType: event.type,
      status: 'pending',
      replay: false,
      attempts: 0,
      lastResponseCode: null,
      lastError: null,
      nextAttemptAt: null,
      createdAt: now,
      updatedAt: now,
    }
    // Written before sending: a crash mid-attempt leaves a visible pending delivery.
    await this.#store.insertDelivery(delivery)
    return delivery
  }

  /** One attempt, recorded on the delivery; returns the delivery as saved. */
  async #attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery, event: RosterEvent): Promise<WebhookDelivery> {
    const now = this.#clock.now()
    const secrets = [endpoint.secret]
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now.toISOString()) secrets.push(endpoint.previousSecret)
    const payload = JSON.stringify(eventJson(event))
    // webhook-id is the event id: the same on every retry, so receivers can drop duplicates (Standard Webhooks).
    const result: PostResult = await postWebhook(endpoint.url, webhookHeaders(secrets, event.id, now, payload), payload, {
      timeoutMs: this.#options.timeoutMs,
      allowPrivate: this.#options.allowPrivateUrls,
    })
    const attempts = delivery.attempts + 1
    const exhausted = !result.ok && attempts >= this.#options.maxAttempts
    const saved: WebhookDelivery = {
      ...delivery,
      attempts,
      status: result.ok ? 'delivered' : exhausted ? 'failed' : 'pending',
      replay: result.ok || exhausted ? false : delivery.replay,
      lastResponseCode: result.status,
      lastError: result.error,
      nextAttemptAt: result.ok || exhausted ? null : new Date(now.getTime() + retryDelayMs(attempts, this.#options)).toISOString(),
      updatedAt: this.#now(),
    }
    await this.#store.updateDelivery(saved)
    return saved
  }

  #now(): string {
    return this.#clock.now().toISOString()
  }
}
