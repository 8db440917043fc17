import { useState } from 'preact/hooks'
import type { Problem } from '../api/problem'
import { doneOf, resultOf, useApi } from '../api/use-api'
import type { WebhookEndpoint } from '../api/v1-types'
import { CopyField } from '../components/copy-button'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { ProblemMessage } from '../components/problem-message'
import { TableWrap } from '../components/table-wrap'
import { formatTime } from '../format'
import { useSignedIn } from '../session-context'
import { WebhookDeliveries } from './webhook-deliveries'

/** API keys (organization keys) and webhooks with their recent deliveries and a resend, all from /api/v1. */
export function DevelopersPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [hooks] = useApi(() => api.GET('/organizations/{orgId}/webhooks', { params: { path: { orgId } } }), [api, orgId])
  return (
    <Page title="Developers" lead="Connect your own systems to this organization: API keys for /api/v1, and webhooks that push its events.">
      <p>
        The API is described at{' '}
        {/* target="_top": a page outside the console, which the console's router must not take over. */}
        <a href="/api/docs" target="_top">
          /api/docs
        </a>{' '}
        (OpenAPI at <code>/api/v1/openapi.json</code>).
      </p>
      <ApiKeys />
      <section aria-labelledby="hooks-heading">
        <h2 id="hooks-heading">Webhooks</h2>
        <LoadedView state={hooks} what="the webhooks">
          {(page) =>
            page.data.length === 0 ? (
              <p class="empty">
                No webhooks. Add an endpoint with <code>POST /api/v1/organizations/{orgId}/webhooks</code> to receive member
                and group events as they happen.
              </p>
            ) : (
              page.data.map((hook) => <Webhook key={hook.id} hook={hook} />)
            )
          }
        </LoadedView>
      </section>
    </Page>
  )
}

function Webhook({ hook }: { hook: WebhookEndpoint }) {
  return (
    <div class="webhook">
      <h3>
        <code>{hook.url}</code>
      </h3>
      <p>
        {hook.status === 'failing' ? (
          <strong class="bad">Failing: a delivery ran out of attempts. Resend it once the endpoint is fixed.</strong>
        ) : (
          'Active'
        )}
        {' · '}events: {hook.eventTypes?.join(', ') ?? 'all'} · added {formatTime(hook.createdAt)}
      </p>
      <WebhookDeliveries webhookId={hook.id} />
    </div>
  )
}

function ApiKeys() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [keys, reload] = useApi(() => api.GET('/organizations/{orgId}/api-keys', { params: { path: { orgId } } }), [api, orgId])
  const [created, setCreated] = useState<{ id: string; key: string } | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)

  const create = async () => {
    setProblem(null)
    const outcome = resultOf(await api.POST('/organizations/{orgId}/api-keys', { params: { path: { orgId } } }))
    if (outcome.ok) setCreated(outcome.value)
    else setProblem(outcome.problem)
    reload()
  }
  const revoke = async (keyId: string) => {
    setProblem(null)
    const result = await api.DELETE('/organizations/{orgId}/api-keys/{keyId}', { params: { path: { orgId, keyId } } })
    setConfirming(null)
    const outcome = doneOf(result)
    if (!outcome.ok) setProblem(outcome.problem)
    reload()
  }

  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <p>An organization key reads and changes this organization only. Send it as <code>Authorization: Bearer rostk_…</code>.</p>
      <p>
        <button type="button" class="button" onClick={() => void create()}>
          Create API key
        </button>
      </p>
      {problem && <ProblemMessage problem={problem} context="The API key was not changed" />}
      {created && (
        <div class="once" role="region" aria-label="New API key">
          <p class="warning">
            <strong>Copy this key now.</strong> Roster stores only a hash of it and will not show it again.
          </p>
          <CopyField id="new-api-key" label="API key" value={created.key} />
          <button type="button" class="button secondary" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <LoadedView state={keys} what="the API keys">
        {(page) =>
          page.data.length === 0 ? (
            <p class="empty">No API keys yet. Create one to call /api/v1 from your own systems.</p>
          ) : (
            <TableWrap label="API keys">
              <table class="stack">
                <caption class="visually-hidden">API keys</caption>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((key) => (
                    <tr key={key.id}>
                      <td data-label="Key">
                        <code>{key.id}</code>
                      </td>
                      <td data-label="Created">{formatTime(key.createdAt)}</td>
                      <td data-label="Last used">{key.lastUsedAt ? formatTime(key.lastUsedAt) : <span class="hint">Never used</span>}</td>
                      <td data-label="Status">{key.revokedAt ? `Revoked ${formatTime(key.revokedAt)}` : 'Active'}</td>
                      <td data-label="">
                        {!key.revokedAt &&
                          (confirming === key.id ? (
                            <span role="group" aria-label={`Revoke ${key.id}?`}>
                              <button type="button" class="button danger small" onClick={() => void revoke(key.id)}>
                                Revoke now
                              </button>{' '}
                              <button type="button" class="button secondary small" onClick={() => setConfirming(null)}>
                                Keep
                              </button>
                            </span>
                          ) : (
                            <button type="button" class="button secondary small" onClick={() => setConfirming(key.id)}>
                              Revoke…
                            </button>
                          ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </LoadedView>
    </section>
  )
}
