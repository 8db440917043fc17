import { sql, type Selectable } from 'kysely'
import type { EventType } from '../events/types.js'
import type { ClaimedEndpoint, DeliveryStatus, EndpointProgress, EndpointStatus, WebhookDelivery, WebhookEndpoint } from '../events/webhooks/types.js'
import { randomBase32 } from '../lib/ids.js'
import type { Insertable } from 'kysely'
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './database.js'
import { isStorableText } from './db-errors.js'
import type { RepoContext } from './repo-context.js'

type EndpointRow = Selectable<WebhookEndpointsTable>

/** Webhook endpoints and their deliveries; endpoints are claimed by delivery workers with leases. */
export function webhooksRepo(context: RepoContext) {
  const { db, dialect } = context

  const scoped = <Q extends { where: (...args: any[]) => Q }>(query: Q, scope: string | null): Q =>
    scope === null ? query.where('org_id', 'is', null) : query.where('org_id', '=', scope)

  return {
    async insertWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
      await db.insertInto('webhook_endpoints').values({ ...toEndpointRow(endpoint), lease_until: null }).execute()
    },

    async findWebhookEndpoint(scope: string | null, id: string): Promise<WebhookEndpoint | undefined> {
      if (!isStorableText(id) || (scope !== null && !isStorableText(scope))) return undefined
      const row = await scoped(db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id), scope).executeTakeFirst()
      return row === undefined ? undefined : fromEndpointRow(row)
    },

    async listWebhookEndpoints(scope: string | null, page: { afterId?: string; limit: number }): Promise<WebhookEndpoint[]> {
      if ((scope !== null && !isStorableText(scope)) || (page.afterId !== undefined && !isStorableText(page.afterId))) return []
      let query = scoped(db.selectFrom('webhook_endpoints').selectAll(), scope)
      if (page.afterId !== undefined) query = query.where('id', '>', page.afterId)
      return (await query.orderBy('id').limit(page.limit).execute()).map(fromEndpointRow)
    },

    async updateWebhookEndpoint(endpoint: WebhookEndpoint): Promise<boolean> {
      const { id, cursor: _cursor, ...changes } = toEndpointRow(endpoint)
      const result = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async deleteWebhookEndpoint(scope: string | null, id: string): Promise<boolean> {
      if (!isStorableText(id) || (scope !== null && !isStorableText(scope))) return false
      const result = await scoped(db.deleteFrom('webhook_endpoints').where('id', '=', id), scope).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async claimWebhookEndpoints(now: string, leaseUntil: string, limit: number): Promise<ClaimedEndpoint[]> {
      const lease = `${leaseUntil}#${randomBase32(8)}`
      const claim = async (tx: RepoContext['db']): Promise<ClaimedEndpoint[]> => {
        let candidates = tx
          .selectFrom('webhook_endpoints as e')
          .select('e.id')
          .where('e.status', '=', 'active')
          .where((eb) => eb.or([eb('e.lease_until', 'is', null), eb('e.lease_until', '<', now)]))
          .where((eb) =>
            eb.or([
              eb.and([
                eb.or([eb('e.next_attempt_at', 'is', null), eb('e.next_attempt_at', '<=', now)]),
                eb.exists(
                  eb
                    .selectFrom('events as ev')
                    .select(sql`1`.as('one'))
                    .whereRef('ev.position', '>', 'e.cursor')
                    .where((inner) => inner.or([inner('e.org_id', 'is', null), inner('ev.org_id', '=', inner.ref('e.org_id'))])),
                ),
              ]),
              eb.exists(
                eb
                  .selectFrom('webhook_deliveries as d')
                  .select(sql`1`.as('one'))
                  .whereRef('d.endpoint_id', '=', 'e.id')
                  .where('d.replay', '=', 1)
                  .where('d.status', '=', 'pending')
                  .where((inner) => inner.or([inner('d.next_attempt_at', 'is', null), inner('d.next_attempt_at', '<=', now)])),
              ),
            ]),
          )
          .orderBy('e.updated_at')
          .limit(limit)
        // Instances skip each other's claims instead of waiting for them.
        if (dialect.supportsRowLocks) candidates = candidates.forUpdate().skipLocked()
        const ids = (await candidates.execute()).map((row) => row.id)
        if (!ids.length) return []
        // The lease is a string compared as text: the time first (ISO-8601 orders), a random tag after it.
        const rows = await tx.updateTable('webhook_endpoints').set({ lease_until: lease }).where('id', 'in', ids).returningAll().execute()
        return rows.map((row) => ({ endpoint: fromEndpointRow(row), lease }))
      }
      return context.inTransaction ? claim(db) : db.transaction().execute(claim)
    },

    async releaseWebhookEndpoint(claimed: ClaimedEndpoint, progress: EndpointProgress): Promise<boolean> {
      const result = await db
        .updateTable('webhook_endpoints')
        .set({
          cursor: progress.cursor,
          next_attempt_at: progress.nextAttemptAt,
          updated_at: progress.updatedAt,
          lease_until: null,
          ...(progress.failing ? { status: 'failing' } : {}),
        })
        .where('id', '=', claimed.endpoint.id)
        .where('lease_until', '=', claimed.lease)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async findDelivery(endpointId: string, eventId: string): Promise<WebhookDelivery | undefined> {
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('event_id', '=', eventId).executeTakeFirst()
      return row === undefined ? undefined : fromDeliveryRow(row)
    },

    async findDeliveryById(endpointId: string, id: string): Promise<WebhookDelivery | undefined> {
      if (!isStorableText(id)) return undefined
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : fromDeliveryRow(row)
    },

    async insertDelivery(delivery: WebhookDelivery): Promise<void> {
      await db.insertInto('webhook_deliveries').values(toDeliveryRow(delivery)).execute()
    },

    async updateDelivery(delivery: WebhookDelivery): Promise<void> {
      const { id, ...changes } = toDeliveryRow(delivery)
      await db.updateTable('webhook_deliveries').set(changes).where('id', '=', id).execute()
    },

    async listDeliveries(endpointId: string, page: { beforePosition?: number; limit: number }): Promise<WebhookDelivery[]> {
      let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId)
      if (page.beforePosition !== undefined) query = query.where('event_position', '<', page.beforePosition)
      return (await query.orderBy('event_position', 'desc').limit(page.limit).execute()).map(fromDeliveryRow)
    },

    async nextReplay(endpointId: string, now: string): Promise<WebhookDelivery | undefined> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .where('replay', '=', 1)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
        .orderBy('event_position')
        .limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : fromDeliveryRow(row)
    },
  }
}

function toEndpointRow(e: WebhookEndpoint): Omit<Insertable<WebhookEndpointsTable>, 'lease_until'> & { id: string } {
  return {
    id: e.id,
    org_id: e.orgId,
    url: e.url,
    event_types: e.eventTypes === null ? null : JSON.stringify(e.eventTypes),
    secret: e.secret,
    previous_secret: e.previousSecret,
    previous_secret_expires_at: e.previousSecretExpiresAt,
    status: e.status,
    cursor: e.cursor,
    next_attempt_at: e.nextAttemptAt,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  }
}

function fromEndpointRow(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as EventType[]),
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    status: row.status as EndpointStatus,
    cursor: Number(row.cursor),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function toDeliveryRow(d: WebhookDelivery): Insertable<WebhookDeliveriesTable> & { id: string } {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_position: d.eventPosition,
    event_type: d.eventType,
    status: d.status,
    replay: d.replay ? 1 : 0,
    attempts: d.attempts,
    last_response_code: d.lastResponseCode,
    last_error: d.lastError,
    next_attempt_at: d.nextAttemptAt,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  }
}

function fromDeliveryRow(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventPosition: Number(row.event_position),
    eventType: row.event_type,
    status: row.status as DeliveryStatus,
    replay: row.replay === 1,
    attempts: row.attempts,
    lastResponseCode: row.last_response_code,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
