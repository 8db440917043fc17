import { useState } from 'preact/hooks'
import type { Problem } from '../api/problem'
import { resultOf, useApi } from '../api/use-api'
import type { CreatedScimToken, ScimToken } from '../api/v1-types'
import { CopyField } from '../components/copy-button'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { TableWrap } from '../components/table-wrap'
import { ProblemMessage } from '../components/problem-message'
import { formatTime } from '../format'
import { useSignedIn } from '../session-context'

/** Organization settings → Secrets: the Tenant URL and the SCIM tokens (generate once-shown, list, revoke). */
export function SecretsPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [tokens, reload] = useApi(() => api.GET('/organizations/{orgId}/scim-tokens', { params: { path: { orgId } } }), [api, orgId])
  const [created, setCreated] = useState<CreatedScimToken | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)

  const generate = async () => {
    setBusy(true)
    setProblem(null)
    const outcome = resultOf(await api.POST('/organizations/{orgId}/scim-tokens', { params: { path: { orgId } } }))
    setBusy(false)
    if (outcome.ok) setCreated(outcome.value)
    else setProblem(outcome.problem)
    reload()
  }

  return (
    <Page title="Secrets" lead="What Microsoft Entra ID needs to reach this organization: the Tenant URL and a SCIM token.">
      <section aria-labelledby="tenant-heading">
        <h2 id="tenant-heading">Tenant URL</h2>
        <CopyField id="secrets-tenant-url" label="Tenant URL" value={session.tenantUrl} />
      </section>

      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">SCIM tokens</h2>
        <p>
          Entra sends a SCIM token with every request; it tells Roster which organization the request is for. Keep two at
          most: to rotate, generate a new token, paste it into Entra, then revoke the old one.
        </p>
        <p>
          <button type="button" class="button" onClick={() => void generate()} disabled={busy}>
            Generate SCIM token
          </button>
        </p>
        {problem && <ProblemMessage problem={problem} context="No token was generated" />}
        {created && (
          <div class="once" role="region" aria-label="New SCIM token">
            <p class="warning">
              <strong>Copy this token now.</strong> Roster stores only a hash of it and will not show it again.
            </p>
            <CopyField id="new-token" label="Secret Token" value={created.token} />
            <button type="button" class="button secondary" onClick={() => setCreated(null)}>
              I have copied it
            </button>
          </div>
        )}
        <LoadedView state={tokens} what="the SCIM tokens">
          {(page) => <TokenTable tokens={page.data} onRevoked={reload} />}
        </LoadedView>
      </section>
    </Page>
  )
}

function TokenTable({ tokens, onRevoked }: { tokens: ScimToken[]; onRevoked: () => void }) {
  const { session, api } = useSignedIn()
  const [confirming, setConfirming] = useState<string | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const active = tokens.filter((t) => t.active)
  if (tokens.length === 0) {
    return <p class="empty">This organization has no SCIM token yet. Generate one and paste it into Entra's Secret Token field.</p>
  }

  const revoke = async (tokenId: string) => {
    const outcome = resultOf(
      await api.POST('/organizations/{orgId}/scim-tokens/{tokenId}/revoke', { params: { path: { orgId: session.organization.id, tokenId } } }),
    )
    setConfirming(null)
    if (outcome.ok) onRevoked()
    else setProblem(outcome.problem)
  }

  return (
    <>
      {problem && <ProblemMessage problem={problem} context="The token was not revoked" />}
      <TableWrap label="SCIM tokens">
        <table class="stack">
          <caption class="visually-hidden">SCIM tokens</caption>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td data-label="Token">
                  <code>{token.id}</code>
                </td>
                <td data-label="Created">{formatTime(token.createdAt)}</td>
                <td data-label="Last used">
                  {token.lastUsedAt ? (
                    formatTime(token.lastUsedAt)
                  ) : token.active ? (
                    <span class="hint">Never used: paste it into Entra and click Test Connection</span>
                  ) : (
                    <span class="hint">Never used</span>
                  )}
                </td>
                <td data-label="Status">{token.active ? 'Active' : `Revoked ${formatTime(token.revokedAt)}`}</td>
                <td data-label="">
                  {token.active &&
                    (confirming === token.id ? (
                      <div class="confirm" role="group" aria-label={`Revoke ${token.id}?`}>
                        {active.length === 1 && (
                          <p class="warning">
                            This is the last active token: Entra's provisioning stops until you paste a new one.
                          </p>
                        )}
                        <button type="button" class="button danger small" onClick={() => void revoke(token.id)}>
                          Revoke now
                        </button>{' '}
                        <button type="button" class="button secondary small" onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </div>
                    ) : (
                      <button type="button" class="button secondary small" onClick={() => setConfirming(token.id)}>
                        Revoke…
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  )
}
