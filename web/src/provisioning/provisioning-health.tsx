import { useState } from 'preact/hooks'
import { useApi } from '../api/use-api'
import type { OperationCounts } from '../api/v1-types'
import { recentSlots, RequestsChart } from '../components/requests-chart'
import { LoadedView } from '../components/loaded'
import { TableWrap } from '../components/table-wrap'
import { formatTime, timeAgo } from '../format'
import { useSignedIn } from '../session-context'

const COUNTED: { key: keyof OperationCounts; label: string }[] = [
  { key: 'create', label: 'Created' },
  { key: 'update', label: 'Updated' },
  { key: 'deactivate', label: 'Deactivated' },
  { key: 'delete', label: 'Deleted' },
  { key: 'failures', label: 'Failed' },
]

/** Health at a glance, from the log's summary: the last request, counts over 24 h and 7 days, and the chart. */
export function ProvisioningHealth() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [summary] = useApi(() => api.GET('/organizations/{orgId}/provisioning-log/summary', { params: { path: { orgId } } }), [api, orgId])
  const [range, setRange] = useState<'hour' | 'day'>('hour')
  return (
    <section aria-labelledby="health-heading">
      <h2 id="health-heading">Health</h2>
      <LoadedView state={summary} what="the provisioning summary">
        {(value) => (
          <>
            <p class="last-request">
              {value.lastRequestAt ? (
                <>
                  Last request from the identity provider: <strong>{timeAgo(value.lastRequestAt)}</strong> ({formatTime(value.lastRequestAt)}).
                  {Date.now() - Date.parse(value.lastRequestAt) > 40 * 60_000 && (
                    <span class="warning-inline"> Entra provisions every 40 minutes; check that provisioning is on in Entra.</span>
                  )}
                </>
              ) : (
                <>No request from the identity provider yet. Follow the Setup guide, then click Test Connection in Entra.</>
              )}
            </p>
            <TableWrap label="Requests by outcome">
              {/* Kinds down, periods across: three columns fit a phone's width, where five kinds across scrolled sideways. */}
              <table class="counts">
                <caption class="visually-hidden">Requests by outcome</caption>
                <thead>
                  <tr>
                    <th scope="col">Requests</th>
                    <th scope="col">Last 24 hours</th>
                    <th scope="col">Last 7 days</th>
                  </tr>
                </thead>
                <tbody>
                  {COUNTED.map((c) => (
                    <tr key={c.key}>
                      <th scope="row">{c.label}</th>
                      {[value.last24h, value.last7d].map((counts, index) => (
                        <td key={index} class={c.key === 'failures' && counts.failures > 0 ? 'bad' : undefined}>
                          {counts[c.key]}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <div class="range" role="group" aria-label="Chart range">
              <button type="button" class="button secondary small" aria-pressed={range === 'hour'} onClick={() => setRange('hour')}>
                24 hours
              </button>
              <button type="button" class="button secondary small" aria-pressed={range === 'day'} onClick={() => setRange('day')}>
                7 days
              </button>
            </div>
            {range === 'hour' ? (
              <RequestsChart buckets={value.hourly} slots={recentSlots('hour')} label="Requests per hour, last 24 hours (UTC)" tick={(s) => `${s.slice(11)}h`} />
            ) : (
              <RequestsChart buckets={value.daily} slots={recentSlots('day')} label="Requests per day, last 7 days (UTC)" tick={(s) => s.slice(5)} />
            )}
          </>
        )}
      </LoadedView>
    </section>
  )
}
