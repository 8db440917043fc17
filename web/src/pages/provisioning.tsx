import { useState } from 'preact/hooks'
import { useApi } from '../api/use-api'
import type { LogOperation, LogQuery } from '../api/v1-types'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { LogEntry } from '../provisioning/log-entry'
import { ProvisioningHealth } from '../provisioning/provisioning-health'
import { useSignedIn } from '../session-context'

const OPERATIONS: { value: LogOperation; label: string }[] = [
  { value: 'create', label: 'Create' },
  { value: 'update', label: 'Update' },
  { value: 'deactivate', label: 'Deactivate' },
  { value: 'reactivate', label: 'Reactivate' },
  { value: 'delete', label: 'Delete' },
  { value: 'group_membership', label: 'Group membership' },
]
const PERIODS: Record<string, number> = { '1h': 1, '24h': 24, '7d': 24 * 7 }

interface Filters {
  outcome?: 'success' | 'failure'
  operation?: LogOperation
  period?: string
  q?: string
}

/** Organization settings → Provisioning: health at a glance, and the provisioning log with its filters. */
export function ProvisioningPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [filters, setFilters] = useState<Filters>({})
  const [draft, setDraft] = useState<Filters>({})
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const after = cursors[cursors.length - 1]
  const query = (): LogQuery => ({
    limit: 50,
    after,
    outcome: filters.outcome,
    operation: filters.operation,
    q: filters.q,
    since: filters.period ? new Date(Date.now() - PERIODS[filters.period]! * 3_600_000).toISOString() : undefined,
  })
  const [log] = useApi(
    () => api.GET('/organizations/{orgId}/provisioning-log', { params: { path: { orgId }, query: query() } }),
    [api, orgId, after, filters.outcome, filters.operation, filters.period, filters.q],
  )
  const filtered = Object.values(filters).some((v) => v !== undefined)

  return (
    <Page title="Provisioning" lead="Is Entra reaching this organization, and what did each request do?">
      <ProvisioningHealth />
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">Provisioning log</h2>
        <p class="hint">Every request the identity provider sent, newest first. Open an entry to see its outcome and what it changed.</p>
        <form
          class="filters"
          aria-label="Filter the log"
          onSubmit={(event) => {
            event.preventDefault()
            setCursors([undefined])
            setFilters({ ...draft, q: draft.q?.trim() || undefined })
          }}
        >
          <label>
            Outcome
            <select value={draft.outcome ?? ''} onChange={(e) => setDraft({ ...draft, outcome: (e.currentTarget.value || undefined) as Filters['outcome'] })}>
              <option value="">Any</option>
              <option value="success">Succeeded</option>
              <option value="failure">Failed</option>
            </select>
          </label>
          <label>
            Operation
            <select value={draft.operation ?? ''} onChange={(e) => setDraft({ ...draft, operation: (e.currentTarget.value || undefined) as LogOperation | undefined })}>
              <option value="">Any</option>
              {OPERATIONS.map((op) => (
                <option key={op.value} value={op.value}>
                  {op.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Period
            <select value={draft.period ?? ''} onChange={(e) => setDraft({ ...draft, period: e.currentTarget.value || undefined })}>
              <option value="">All kept</option>
              <option value="1h">Last hour</option>
              <option value="24h">Last 24 hours</option>
              <option value="7d">Last 7 days</option>
            </select>
          </label>
          <label>
            User, path or detail
            <input type="search" value={draft.q ?? ''} onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
          </label>
          <button type="submit" class="button secondary">
            Apply filters
          </button>
        </form>
        <LoadedView state={log} what="the provisioning log">
          {(page) => (
            <>
              {page.data.length === 0 ? (
                <p class="empty">
                  {filtered
                    ? 'No request matches these filters. Clear them to see every request.'
                    : 'No requests yet. Follow the Setup guide, then click Test Connection in Entra: the request appears here.'}
                </p>
              ) : (
                <ul class="log">
                  {page.data.map((entry) => (
                    <LogEntry key={entry.id} entry={entry} />
                  ))}
                </ul>
              )}
              <div class="pager">
                <button type="button" class="button secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Newer
                </button>
                <button type="button" class="button secondary" disabled={page.next === null} onClick={() => setCursors([...cursors, page.next ?? undefined])}>
                  Older
                </button>
              </div>
            </>
          )}
        </LoadedView>
      </section>
    </Page>
  )
}
