import { useState } from 'preact/hooks'
import type { Problem } from '../api/problem'
import { resultOf, useApi } from '../api/use-api'
import { LoadedView } from '../components/loaded'
import { ProblemMessage } from '../components/problem-message'
import { TableWrap } from '../components/table-wrap'
import { formatTime } from '../format'
import { useSignedIn } from '../session-context'

/** A webhook's most recent deliveries, each with a Resend (the API's replay). */
export function WebhookDeliveries({ webhookId }: { webhookId: string }) {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [deliveries, reload] = useApi(
    () => api.GET('/organizations/{orgId}/webhooks/{webhookId}/deliveries', { params: { path: { orgId, webhookId }, query: { limit: 10 } } }),
    [api, orgId, webhookId],
  )
  const [problem, setProblem] = useState<Problem | null>(null)
  const [resent, setResent] = useState<string | null>(null)

  const resend = async (deliveryId: string) => {
    setProblem(null)
    setResent(null)
    const outcome = resultOf(
      await api.POST('/organizations/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/replay', { params: { path: { orgId, webhookId, deliveryId } } }),
    )
    if (outcome.ok) setResent(deliveryId)
    else setProblem(outcome.problem)
    reload()
  }

  return (
    <LoadedView state={deliveries} what="the recent deliveries">
      {(page) =>
        page.data.length === 0 ? (
          <p class="hint">No deliveries yet: they appear when a member or group changes.</p>
        ) : (
          <>
            {problem && <ProblemMessage problem={problem} context="Not resent" />}
            {resent && (
              <p class="notice" role="status">
                Delivery {resent} is queued to be sent again.
              </p>
            )}
            <TableWrap label="Recent deliveries">
              <table>
                <caption>Recent deliveries</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last answer</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((delivery) => (
                    <tr key={delivery.id}>
                      <td>
                        {delivery.eventType}
                        <span class="sub">
                          <code>{delivery.event}</code>
                        </span>
                      </td>
                      <td>{delivery.status}</td>
                      <td>{delivery.attempts}</td>
                      <td>{delivery.lastResponseCode ?? delivery.lastError ?? '—'}</td>
                      <td>{formatTime(delivery.createdAt)}</td>
                      <td>
                        <button type="button" class="button secondary small" onClick={() => void resend(delivery.id)} aria-label={`Resend ${delivery.eventType} ${delivery.id}`}>
                          Resend
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )
      }
    </LoadedView>
  )
}
