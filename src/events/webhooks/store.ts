import type { RosterEvent } from '../types.js'
import type { ClaimedEndpoint, EndpointProgress, WebhookDelivery, WebhookEndpoint } from './types.js'

/** Webhook persistence. `scope` is an organization id, or null for platform endpoints: never a wildcard. */
export interface WebhookStore {
  insertWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void>
  findWebhookEndpoint(scope: string | null, id: string): Promise<WebhookEndpoint | undefined>
  /** In id order after `afterId`. */
  listWebhookEndpoints(scope: string | null, page: { afterId?: string; limit: number }): Promise<WebhookEndpoint[]>
  /** Writes the endpoint's settings, status and next attempt (never its cursor or lease); false when it is gone. */
  updateWebhookEndpoint(endpoint: WebhookEndpoint): Promise<boolean>
  deleteWebhookEndpoint(scope: string | null, id: string): Promise<boolean>

  /**
   * Claims up to `limit` active endpoints that have due work (events past their cursor, or a due replay) and no
   * live lease, leasing them until `leaseUntil`. PostgreSQL: FOR UPDATE SKIP LOCKED, so instances never claim the
   * same endpoint at once.
   */
  claimWebhookEndpoints(now: string, leaseUntil: string, limit: number): Promise<ClaimedEndpoint[]>
  /**
   * Saves a claimed endpoint's progress and ends the lease; false (nothing written) when the lease was lost. Only
   * what the worker owns is written, so settings changed through the API meanwhile are kept.
   */
  releaseWebhookEndpoint(claim: ClaimedEndpoint, progress: EndpointProgress): Promise<boolean>

  /** Events an endpoint may receive after `afterPosition`, in position order (one organization's, or all). */
  readEventsForEndpoint(scope: string | null, afterPosition: number, limit: number): Promise<RosterEvent[]>
  /** The event a delivery names (its position, checked against its id), unless retention removed it. */
  findEvent(position: number, id: string): Promise<RosterEvent | undefined>

  findDelivery(endpointId: string, eventId: string): Promise<WebhookDelivery | undefined>
  findDeliveryById(endpointId: string, id: string): Promise<WebhookDelivery | undefined>
  insertDelivery(delivery: WebhookDelivery): Promise<void>
  updateDelivery(delivery: WebhookDelivery): Promise<void>
  /** Newest event first, events before `beforePosition` when given. */
  listDeliveries(endpointId: string, page: { beforePosition?: number; limit: number }): Promise<WebhookDelivery[]>
  /** The oldest due replay of the endpoint, if any. */
  nextReplay(endpointId: string, now: string): Promise<WebhookDelivery | undefined>
}
