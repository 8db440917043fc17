import { useApi } from '../api/use-api'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { useSignedIn } from '../session-context'

/** What Diagnostics checks, in plain words (issue #8 §6); the checks run over the provisioning log. */
const CHECKS = [
  'Every user arriving with the default role: the Switch expression probably compares display names, not values.',
  'Roles arriving only on updates: use the URN attribute name from the Setup guide.',
  'Requests refused with 401: the token was revoked or mistyped, and since when.',
  'Repeated 400s, with their most common detail.',
  "No request for longer than Entra's 40-minute cycle.",
  'Users created but never assigned a role.',
]

export function DiagnosticsPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [log] = useApi(() => api.GET('/organizations/{orgId}/provisioning-log', { params: { path: { orgId }, query: { limit: 1 } } }), [api, orgId])
  return (
    <Page title="Diagnostics" lead="Roster reads its provisioning log and explains, in plain words, what to fix in Entra.">
      <h2>What Roster checks</h2>
      <ul>
        {CHECKS.map((check) => (
          <li key={check}>{check}</li>
        ))}
      </ul>
      <LoadedView state={log} what="the provisioning log">
        {() => <p class="empty">The checks need the diagnostics query of the provisioning log, which this Roster version does not serve yet.</p>}
      </LoadedView>
    </Page>
  )
}
