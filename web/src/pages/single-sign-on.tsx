import { useState } from 'preact/hooks'
import { asProblem, type Problem } from '../api/problem'
import { ssoConnection, type ConnectionInput, type SamlConnection } from '../api/sso-connection'
import { resultOf, useApi } from '../api/use-api'
import { CopyField } from '../components/copy-button'
import { Page } from '../components/page'
import { ProblemMessage } from '../components/problem-message'
import { TableWrap } from '../components/table-wrap'
import { formatTime } from '../format'
import { useSignedIn } from '../session-context'
import { SsoConnectionForm } from './sso-connection-form'

const SOON_MS = 30 * 24 * 60 * 60_000

/**
 * Organization settings → Single sign-on: connect Entra's SAML app (metadata URL, XML, or by hand), the values to
 * paste into Entra's Basic SAML Configuration, the connection's health, email domains, and a test sign-in.
 */
export function SingleSignOnPage() {
  const { session } = useSignedIn()
  const orgId = session.organization.id
  const csrf = session.csrfToken
  const [state, reload] = useApi(() => ssoConnection.get(orgId, csrf), [orgId])
  const [problem, setProblem] = useState<Problem | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (what: string, action: () => ReturnType<typeof ssoConnection.get>) => {
    setBusy(true)
    setProblem(null)
    setSaved(null)
    const outcome = resultOf(await action())
    setBusy(false)
    if (outcome.ok) setSaved(what)
    else setProblem(outcome.problem)
    reload()
  }
  const save = (input: ConnectionInput) => void run('Saved.', () => ssoConnection.put(orgId, csrf, input))
  const remove = async () => {
    if (!window.confirm('Remove single sign-on? Members can then no longer sign in with Entra.')) return
    setBusy(true)
    const outcome = await ssoConnection.remove(orgId, csrf)
    setBusy(false)
    if (outcome.response.ok) setSaved('Single sign-on was removed.')
    else setProblem(asProblem(outcome.error, outcome.response.status))
    reload()
  }

  const notConnected = state.kind === 'error' && state.problem.status === 404
  return (
    <Page title="Single sign-on" lead="Let your organization's members sign in with Microsoft Entra ID (SAML). Only active, provisioned members get in.">
      {saved && <p class="notice" role="status">{saved}</p>}
      {problem && <ProblemMessage problem={problem} context="Not saved" />}
      {state.kind === 'loading' && <p role="status">Loading single sign-on…</p>}
      {state.kind === 'error' && !notConnected && <ProblemMessage problem={state.problem} context="Could not load single sign-on" />}
      {notConnected && (
        <section aria-labelledby="connect-heading">
          <h2 id="connect-heading">Connect Entra</h2>
          <ol class="steps">
            <li>In the Entra admin center, open Enterprise applications → your app → Single sign-on, and choose SAML.</li>
            <li>Copy the App Federation Metadata Url from “SAML Certificates” and connect it below.</li>
            <li>Roster then shows the Identifier, Reply URL and Sign on URL to paste into Entra's Basic SAML Configuration.</li>
          </ol>
          <SsoConnectionForm busy={busy} submitLabel="Connect" onSubmit={save} />
        </section>
      )}
      {state.kind === 'ok' && <Connected connection={state.value} busy={busy} onSave={save} onRefresh={() => void run('Metadata fetched.', () => ssoConnection.refresh(orgId, csrf))} onRemove={() => void remove()} />}
    </Page>
  )
}

function Connected({ connection: c, busy, onSave, onRefresh, onRemove }: { connection: SamlConnection; busy: boolean; onSave: (i: ConnectionInput) => void; onRefresh: () => void; onRemove: () => void }) {
  const [domains, setDomains] = useState(c.emailDomains.join(', '))
  const [jit, setJit] = useState(c.jitEnabled)
  const [idpInitiated, setIdpInitiated] = useState(c.allowIdpInitiated)
  const saveSettings = (event: Event) => {
    event.preventDefault()
    onSave({ emailDomains: domains.split(/[\s,;]+/).filter(Boolean), jitEnabled: jit, allowIdpInitiated: idpInitiated })
  }
  return (
    <>
      <section aria-labelledby="entra-heading">
        <h2 id="entra-heading">Values for Entra</h2>
        <p>In Entra, open the app → Single sign-on → Basic SAML Configuration → Edit, and paste:</p>
        <CopyField id="sso-identifier" label="Identifier (Entity ID)" value={c.sp.entityId} />
        <CopyField id="sso-reply-url" label="Reply URL (Assertion Consumer Service URL)" value={c.sp.acsUrl} />
        <CopyField id="sso-sign-on-url" label="Sign on URL" value={c.sp.signOnUrl} />
        <p class="hint">Leave Relay State and Logout Url empty. Roster's SP metadata, if your IdP takes a file or URL:</p>
        <CopyField id="sso-sp-metadata" label="SP metadata URL" value={c.sp.metadataUrl} />
      </section>

      <section aria-labelledby="status-heading">
        <h2 id="status-heading">Status</h2>
        <dl class="facts">
          <dt>Identity provider</dt>
          <dd><code>{c.idp.entityId}</code></dd>
          <dt>Metadata</dt>
          <dd>{c.idp.metadataUrl ? <>Follows <code>{c.idp.metadataUrl}</code>; last fetched {formatTime(c.idp.metadataRefreshedAt)}</> : 'Entered once (XML or by hand); not refreshed'}</dd>
        </dl>
        {c.idp.metadataError && (
          <div class="problem" role="alert">
            <p class="problem-title">The last metadata refresh failed; sign-ins still use the last good values.</p>
            <p>{c.idp.metadataError}</p>
          </div>
        )}
        {c.idp.metadataUrl && (
          <p>
            <button type="button" class="button secondary" disabled={busy} onClick={onRefresh}>Fetch metadata now</button>
          </p>
        )}
        <h3>Signing certificates</h3>
        <TableWrap label="Signing certificates">
          <table>
            <thead><tr><th scope="col">Subject</th><th scope="col">Expires</th><th scope="col">SHA-256 fingerprint</th></tr></thead>
            <tbody>
              {c.idp.certificates.map((cert) => {
                const left = Date.parse(cert.notAfter) - Date.now()
                return (
                  <tr key={cert.fingerprintSha256}>
                    <td>{cert.subject}</td>
                    <td>
                      {formatTime(cert.notAfter)}
                      {left <= 0 ? <strong> (expired)</strong> : left < SOON_MS ? <strong> (expires soon: make the new certificate active in Entra)</strong> : null}
                    </td>
                    <td><code class="fingerprint">{cert.fingerprintSha256}</code></td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </TableWrap>
        <p>
          <a class="button secondary" href={c.sp.signOnUrl}>Test sign-in</a>{' '}
          <span class="hint">Starts a sign-in with Entra as a member would (you will come back here if you are an admin).</span>
        </p>
      </section>

      <section aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        <form onSubmit={saveSettings}>
          <p class="field">
            <label for="sso-domains">Email domains</label>
            <input id="sso-domains" value={domains} onInput={(e) => setDomains(e.currentTarget.value)} placeholder="example.com, example.org" />
            <span class="hint">People who type an email at these domains on the sign-in page are sent to this Entra.</span>
          </p>
          <label class="choice">
            <input type="checkbox" checked={idpInitiated} onChange={(e) => setIdpInitiated(e.currentTarget.checked)} /> Accept sign-ins started in Entra (My Apps, “Test this application”)
          </label>
          <label class="choice">
            <input type="checkbox" checked={jit} onChange={(e) => setJit(e.currentTarget.checked)} /> Create members at first sign-in (just-in-time, role Interviewer; SCIM takes them over later; people the directory deleted are never re-created)
          </label>
          <p><button type="submit" class="button" disabled={busy}>Save settings</button></p>
        </form>
      </section>

      <section aria-labelledby="change-heading">
        <h2 id="change-heading">Change the connection</h2>
        <SsoConnectionForm busy={busy} submitLabel="Replace the IdP settings" onSubmit={onSave} />
        <p><button type="button" class="button danger" disabled={busy} onClick={onRemove}>Remove single sign-on</button></p>
      </section>
    </>
  )
}
