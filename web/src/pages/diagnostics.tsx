import { useApi } from '../api/use-api'
import type { Diagnostic } from '../api/v1-types'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { formatTime } from '../format'
import { ROUTES } from '../routes'
import { useSignedIn } from '../session-context'

/** What Diagnostics checks, so an empty result says what was looked at (issue #8 §6). */
const CHECKS = [
  'Every user arriving with the default role (the Switch expression probably compares display names, not values).',
  'Roles arriving only on updates (the custom attribute should use the URN name).',
  'Requests refused with 401 (the token was revoked or mistyped).',
  'Repeated 400s, with their most common detail.',
  "No request for longer than Entra's 40-minute cycle.",
  'Users created but never assigned a role.',
]

/** Where in the console each finding is fixed or followed up. */
const WHERE: Record<string, { href: string; label: string }> = {
  unauthorized: { href: ROUTES.secrets, label: 'Open Secrets to generate a new SCIM token' },
  'repeated-bad-requests': { href: ROUTES.provisioning, label: 'See the failed requests in the provisioning log' },
  'no-recent-requests': { href: ROUTES.provisioning, label: 'Open Provisioning' },
  'no-requests-yet': { href: ROUTES.setup, label: 'Open the Setup guide' },
  'default-role-on-every-user': { href: ROUTES.setup, label: 'Check the expression in the Setup guide' },
  'roles-only-on-updates': { href: ROUTES.setup, label: 'Copy the URN attribute name from the Setup guide' },
  'users-without-role': { href: ROUTES.setup, label: 'Check the app roles in the Setup guide' },
}

const SEVERITY: Record<Diagnostic['severity'], string> = { error: 'Problem', warning: 'Warning', info: 'Note' }

/** Diagnostics in plain words, computed by the server from the provisioning log, each with what to do. */
export function DiagnosticsPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [diagnostics] = useApi(() => api.GET('/organizations/{orgId}/diagnostics', { params: { path: { orgId } } }), [api, orgId])
  return (
    <Page title="Diagnostics" lead="Roster reads its provisioning log and explains, in plain words, what to fix in Entra.">
      <LoadedView state={diagnostics} what="the diagnostics">
        {(value) =>
          value.data.length === 0 ? (
            <p class="notice" role="status">
              Nothing to fix: none of the checks below found a problem in the provisioning log.
            </p>
          ) : (
            <ul class="diagnostics">
              {value.data.map((d) => (
                <li key={d.code} class={`diagnostic ${d.severity}`}>
                  <h2>
                    <span class="severity">{SEVERITY[d.severity]}:</span> {d.title}
                  </h2>
                  <p>{d.detail}</p>
                  {d.since && <p class="sub">Since {formatTime(d.since)}</p>}
                  <p class="action">
                    <strong>What to do:</strong> {d.action}
                    {WHERE[d.code] && (
                      <>
                        {' '}
                        <a href={WHERE[d.code]!.href}>{WHERE[d.code]!.label}</a>.
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </LoadedView>
      <h2>What Roster checks</h2>
      <ul>
        {CHECKS.map((check) => (
          <li key={check}>{check}</li>
        ))}
      </ul>
    </Page>
  )
}
