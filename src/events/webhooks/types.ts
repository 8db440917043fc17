import type { EventType } from '../types.js'

export type EndpointStatus = 'active' | 'failing'
export type DeliveryStatus = 'pending' | 'delivered' | 'failed'

/** A webhook endpoint as stored. `orgId` null: a platform endpoint, which receives every organization's events. */
export interface WebhookEndpoint {
  id: string
  orgId: string | null
  url: string
  /** null: every event type. */
  eventTypes: EventType[] | null
  /** `whsec_…`. Stored as is: the signer needs it (Standard Webhooks signs with a shared secret). */
  secret: string
  /** During a rotation, the previous secret also signs until `previousSecretExpiresAt`. */
  previousSecret: string | null
  previousSecretExpiresAt: string | null
  status: EndpointStatus
  /** Platform-wide position of the last event this endpoint is done with (delivered or not subscribed). */
  cursor: number
  /** When the held-back delivery is retried; null when nothing waits. */
  nextAttemptAt: string | null
  createdAt: string
  updatedAt: string
}

/** One event's delivery to one endpoint, with its attempts so far. */
export interface WebhookDelivery {
  id: string
  endpointId: string
  eventId: string
  eventPosition: number
  eventType: string
  status: DeliveryStatus
  /** Re-sent on request, outside the endpoint's order. */
  replay: boolean
  attempts: number
  lastResponseCode: number | null
  lastError: string | null
  nextAttemptAt: string | null
  createdAt: string
  updatedAt: string
}

/** A claimed endpoint: `lease` identifies the claim, so a worker whose lease ran out cannot overwrite another's work. */
export interface ClaimedEndpoint {
  endpoint: WebhookEndpoint
  lease: string
}

/** What a delivery pass changes on its endpoint. */
export interface EndpointProgress {
  cursor: number
  nextAttemptAt: string | null
  /** The held-back delivery ran out of attempts: the endpoint is marked failing. */
  failing: boolean
  updatedAt: string
}
