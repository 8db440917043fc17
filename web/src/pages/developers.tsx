import { useApi } from '../api/use-api'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { formatTime } from '../format'
import { useSignedIn } from '../session-context'

/** API keys (organization keys) and webhooks with recent deliveries, from /api/v1 (issue #7). */
export function DevelopersPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [keys] = useApi(() => api.GET('/organizations/{orgId}/api-keys', { params: { path: { orgId } } }), [api, orgId])
  const [hooks] = useApi(() => api.GET('/organizations/{orgId}/webhooks', { params: { path: { orgId } } }), [api, orgId])
  return (
    <Page title="Developers" lead="Connect your own systems to this organization: API keys and webhooks.">
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        <LoadedView state={keys} what="the API keys">
          {(page) =>
            page.data.length === 0 ? (
              <p class="empty">No API keys. Operators create them with npm run cli -- api-key create --org {orgId}.</p>
            ) : (
              <ul>
                {page.data.map((key) => (
                  <li key={key.id}>
                    <code>{key.id}</code>, created {formatTime(key.createdAt)}, last used {formatTime(key.lastUsedAt)}
                    {key.revokedAt ? `, revoked ${formatTime(key.revokedAt)}` : ''}
                  </li>
                ))}
              </ul>
            )
          }
        </LoadedView>
      </section>
      <section aria-labelledby="hooks-heading">
        <h2 id="hooks-heading">Webhooks</h2>
        <LoadedView state={hooks} what="the webhooks">
          {(page) =>
            page.data.length === 0 ? (
              <p class="empty">No webhooks. Add an endpoint to receive member and group events as they happen.</p>
            ) : (
              <ul>
                {page.data.map((hook) => (
                  <li key={hook.id}>
                    <code>{hook.url}</code>: {hook.status}, events {hook.eventTypes.join(', ') || 'all'}
                  </li>
                ))}
              </ul>
            )
          }
        </LoadedView>
      </section>
    </Page>
  )
}
