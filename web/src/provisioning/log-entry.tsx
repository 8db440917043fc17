import type { ProvisioningLogEntry } from '../api/v1-types'
import { TableWrap } from '../components/table-wrap'
import { formatTime } from '../format'

const VERBS: Record<string, string> = {
  create: 'Created',
  update: 'Updated',
  deactivate: 'Deactivated',
  reactivate: 'Reactivated',
  delete: 'Deleted',
  group_membership: 'Group membership',
}

/** What a request was, in words: "Created ada@acme.test", "GET /Users?filter=…" for reads. */
export function entryHeadline(entry: ProvisioningLogEntry): string {
  const who = entry.userName ?? entry.resourceId ?? ''
  // SSO sign-ins that reach the log (at the ACS): a member created just in time, or a refused attempt.
  if (entry.path.startsWith('/sso/saml/')) {
    if (entry.operation === 'create') return `Created ${who} at SSO sign-in (just-in-time)`
    if (entry.outcome === 'failure') return `SSO sign-in refused${who ? ` for ${who}` : ''}`
  }
  if (entry.operation) return `${VERBS[entry.operation] ?? entry.operation} ${who}`.trim()
  return `${entry.method} ${readable(entry.path)}`
}

/** Paths as a person reads them: `filter=userName eq "…"`, not `%20eq%20%22…`. */
function readable(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

const shown = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value))

/** One log entry: a summary line that expands to the request, its outcome, and each change before → after. */
export function LogEntry({ entry }: { entry: ProvisioningLogEntry }) {
  return (
    <li class={`log-entry ${entry.outcome}`}>
      <details>
        <summary>
          <span class={`status ${entry.outcome}`}>{entry.status}</span> {entryHeadline(entry)}{' '}
          <span class="when">{formatTime(entry.time)}</span>
          {entry.outcome === 'failure' && entry.detail && <span class="sub">{entry.detail}</span>}
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
            {entry.outcome === 'success' ? 'Succeeded' : 'Failed'} ({entry.status}
            {entry.scimType ? `, ${entry.scimType}` : ''}){entry.detail ? `: ${entry.detail}` : ''}
          </dd>
          {entry.client && (
            <>
              <dt>Client</dt>
              <dd>{entry.client}</dd>
            </>
          )}
          {entry.notes.length > 0 && (
            <>
              <dt>Accepted but ignored</dt>
              <dd>{entry.notes.join('; ')}</dd>
            </>
          )}
          {entry.membership && (
            <>
              <dt>Members</dt>
              <dd>
                {entry.membership.removedAll ? 'replaced all members; ' : ''}
                {entry.membership.addedCount} added, {entry.membership.removedCount} removed
              </dd>
            </>
          )}
          <dt>Request id</dt>
          <dd>
            <code>{entry.requestId}</code>
          </dd>
        </dl>
        {entry.changes.length > 0 && (
          <TableWrap label={`Changes of ${entryHeadline(entry)}`}>
            <table class="changes">
              <caption>Changes, before → after</caption>
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
                    <td>{shown(change.before)}</td>
                    <td>
                      <span aria-hidden="true">→ </span>
                      {shown(change.after)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </details>
    </li>
  )
}
