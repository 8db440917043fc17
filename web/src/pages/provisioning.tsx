import { useState } from 'preact/hooks'
import { useApi } from '../api/use-api'
import type { ProvisioningLogEntry } from '../api/v1-paths'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { formatTime, timeAgo } from '../format'
import { useSignedIn } from '../session-context'

const OPERATIONS = ['create', 'update', 'deactivate', 'reactivate', 'delete', 'group membership']

/**
 * Organization settings → Provisioning: the provisioning log (issue #6) with its filters, each entry expanding to its
 * outcome and before → after changes. Health counts and the chart need the log's summary query (not in this build).
 */
export function ProvisioningPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [filters, setFilters] = useState<{ outcome?: 'success' | 'failure'; operation?: string; q?: string }>({})
  const [draft, setDraft] = useState(filters)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const after = cursors[cursors.length - 1]
  const [log] = useApi(
    () => api.GET('/organizations/{orgId}/provisioning-log', { params: { path: { orgId }, query: { limit: 50, after, ...filters } } }),
    [api, orgId, after, filters.outcome, filters.operation, filters.q],
  )

  return (
    <Page title="Provisioning" lead="Every request Entra sent to this organization, newest first.">
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault()
          setCursors([undefined])
          setFilters({ ...draft, q: draft.q?.trim() || undefined })
        }}
      >
        <label>
          Outcome
          <select value={draft.outcome ?? ''} onChange={(e) => setDraft({ ...draft, outcome: (e.currentTarget.value || undefined) as 'success' | 'failure' | undefined })}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
          </select>
        </label>
        <label>
          Operation
          <select value={draft.operation ?? ''} onChange={(e) => setDraft({ ...draft, operation: e.currentTarget.value || undefined })}>
            <option value="">Any</option>
            {OPERATIONS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
        </label>
        <label>
          Text
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
              <p class="empty">No requests match. If Entra has never called, follow the Setup guide and click Test Connection.</p>
            ) : (
              <>
                {cursors.length === 1 && page.data[0] && (
                  <p>
                    Last request from the identity provider: {formatTime(page.data[0].time)} ({timeAgo(page.data[0].time)}).
                  </p>
                )}
                <ul class="log">
                  {page.data.map((entry) => (
                    <LogEntry key={entry.id} entry={entry} />
                  ))}
                </ul>
              </>
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
    </Page>
  )
}

function LogEntry({ entry }: { entry: ProvisioningLogEntry }) {
  return (
    <li class={`log-entry ${entry.outcome}`}>
      <details>
        <summary>
          <span class="status">{entry.status}</span> {entry.operation} {entry.userName ?? entry.resourceId ?? ''}{' '}
          <span class="sub">{formatTime(entry.time)}</span>
        </summary>
        <dl class="settings">
          <dt>Request</dt>
          <dd>
            <code>
              {entry.method} {entry.path}
            </code>
          </dd>
          <dt>Outcome</dt>
          <dd>
            {entry.outcome} ({entry.status}
            {entry.scimType ? `, ${entry.scimType}` : ''}){entry.detail ? `: ${entry.detail}` : ''}
          </dd>
          {entry.notes.length > 0 && (
            <>
              <dt>Accepted but ignored</dt>
              <dd>{entry.notes.join('; ')}</dd>
            </>
          )}
        </dl>
        {entry.changes.length > 0 && (
          <table>
            <caption>Changes</caption>
            <thead>
              <tr>
                <th scope="col">Attribute</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {entry.changes.map((change) => (
                <tr key={change.attribute}>
                  <td>
                    <code>{change.attribute}</code>
                  </td>
                  <td>{JSON.stringify(change.before) ?? '—'}</td>
                  <td>{JSON.stringify(change.after) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </li>
  )
}
