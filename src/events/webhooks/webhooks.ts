import type { Clock } from '../../lib/clock.js'
import { DomainError } from '../../lib/domain-error.js'
import { newId } from '../../lib/ids.js'
import type { EventStore } from '../store.js'
import { EVENT_TYPES, type EventType } from '../types.js'
import { checkWebhookUrl } from './address-guard.js'
import { newWebhookSecret } from './signer.js'
import type { WebhookDelivery, WebhookEndpoint } from './types.js'

/** How long the previous secret keeps signing after a rotation: time to deploy the new one to every receiver. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000

export interface EndpointSettings {
  url: string
  /** Omitted or null: every event type. */
  eventTypes?: string[] | null
}

/**
 * Webhook endpoints of an organization (`scope` its id) or of the platform (`scope` null: every organization's
 * events). A new endpoint receives the events committed after its creation; the feed serves the ones before.
 */
export class Webhooks {
  readonly #store: EventStore
  readonly #clock: Clock
  readonly #allowPrivateUrls: boolean

  constructor(store: EventStore, clock: Clock, options: { allowPrivateUrls: boolean }) {
    this.#store = store
    this.#clock = clock
    this.#allowPrivateUrls = options.allowPrivateUrls
  }

  /** The new endpoint and its signing secret, which is shown this once. */
  async create(scope: string | null, settings: EndpointSettings): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const now = this.#now()
    const endpoint: WebhookEndpoint = {
      id: newId('whk'),
      orgId: scope,
      url: checkWebhookUrl(settings.url, this.#allowPrivateUrls).toString(),
      eventTypes: validEventTypes(settings.eventTypes),
      secret: newWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      status: 'active',
      cursor: await this.#store.headPosition(),
      nextAttemptAt: null,
      createdAt: now,
      updatedAt: now,
    }
    await this.#store.insertWebhookEndpoint(endpoint)
    return { endpoint, secret: endpoint.secret }
  }

  list(scope: string | null, page: { afterId?: string; limit: number }): Promise<WebhookEndpoint[]> {
    return this.#store.listWebhookEndpoints(scope, page)
  }

  async get(scope: string | null, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.#store.findWebhookEndpoint(scope, id)
    if (!endpoint) throw new DomainError('not_found', `No webhook endpoint has the id "${id}" here.`)
    return endpoint
  }

  async update(scope: string | null, id: string, changes: Partial<EndpointSettings>): Promise<WebhookEndpoint> {
    const current = await this.get(scope, id)
    const next: WebhookEndpoint = {
      ...current,
      url: changes.url === undefined ? current.url : checkWebhookUrl(changes.url, this.#allowPrivateUrls).toString(),
      eventTypes: changes.eventTypes === undefined ? current.eventTypes : validEventTypes(changes.eventTypes),
      updatedAt: this.#now(),
    }
    await this.#save(next)
    return next
  }

  async remove(scope: string | null, id: string): Promise<void> {
    if (!(await this.#store.deleteWebhookEndpoint(scope, id))) throw new DomainError('not_found', `No webhook endpoint has the id "${id}" here.`)
  }

  /** A new secret; the current one keeps signing too for ROTATION_OVERLAP_MS, so receivers can switch without loss. */
  async rotateSecret(scope: string | null, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const current = await this.get(scope, id)
    const now = this.#clock.now()
    const next: WebhookEndpoint = {
      ...current,
      secret: newWebhookSecret(),
      previousSecret: current.secret,
      previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
      updatedAt: now.toISOString(),
    }
    await this.#save(next)
    return { endpoint: next, secret: next.secret }
  }

  /** Newest event first. */
  async deliveries(scope: string | null, id: string, page: { beforePosition?: number; limit: number }): Promise<WebhookDelivery[]> {
    await this.get(scope, id)
    return this.#store.listDeliveries(id, page)
  }

  /**
   * Sends a delivery again. A failed one (the event holding a failing endpoint back) is retried at once with fresh
   * attempts and the endpoint resumes in order from it; a delivered one is re-sent once, outside the order.
   */
  async replay(scope: string | null, id: string, deliveryId: string): Promise<WebhookDelivery> {
    const endpoint = await this.get(scope, id)
    const delivery = await this.#store.findDeliveryById(id, deliveryId)
    if (!delivery) throw new DomainError('not_found', `The webhook endpoint has no delivery with the id "${deliveryId}".`)
    if (delivery.status === 'pending') throw new DomainError('conflict', 'This delivery is already waiting to be sent; its attempts and next attempt time are on the delivery.')
    const now = this.#now()
    const next: WebhookDelivery = {
      ...delivery,
      status: 'pending',
      replay: delivery.status === 'delivered',
      attempts: 0,
      nextAttemptAt: null,
      updatedAt: now,
    }
    await this.#store.updateDelivery(next)
    if (delivery.status === 'failed') await this.#save({ ...endpoint, status: 'active', nextAttemptAt: null, updatedAt: now })
    return next
  }

  async #save(endpoint: WebhookEndpoint): Promise<void> {
    if (!(await this.#store.updateWebhookEndpoint(endpoint))) throw new DomainError('not_found', `No webhook endpoint has the id "${endpoint.id}" here.`)
  }

  #now(): string {
    return this.#clock.now().toISOString()
  }
}

function validEventTypes(types: readonly string[] | null | undefined): EventType[] | null {
  if (types === undefined || types === null) return null
  const unknown = types.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type))
  if (unknown.length) throw new DomainError('invalid', `Unknown event types: ${unknown.join(', ')}. Roster emits: ${EVENT_TYPES.join(', ')}.`)
  if (!types.length) throw new DomainError('invalid', 'eventTypes is empty; leave it out to receive every event type.')
  return [...new Set(types)] as EventType[]
}
