import { useEffect } from 'preact/hooks'
import type { Problem } from '../api/problem'
import { ROUTES } from '../routes'

/**
 * The sign-in page: a one-time link from the operator's CLI (bootstrap and break-glass), or single sign-on through
 * the organization's Entra (by email domain or organization id → /sso/saml/start; an ADMIN comes back signed in).
 */
/**
 * Starts SSO as a navigation, not a form submission: the console's CSP (form-action 'self') would block the
 * redirect on to the identity provider's origin that a submitted form follows.
 */
function startSso(event: Event) {
  event.preventDefault()
  const form = event.currentTarget as HTMLFormElement
  const query = new URLSearchParams()
  for (const [name, value] of new FormData(form)) if (typeof value === 'string' && value.trim() !== '') query.set(name, value.trim())
  // Signed out on a console page (an old bookmark, an expired session): come back to it, not to the setup guide.
  const here = window.location.pathname
  if (here !== ROUTES.signIn && here !== ROUTES.home) query.set('returnTo', here)
  window.location.assign(`/sso/saml/start?${query}`)
}

export function SignInPage({ notice, signedOut }: { notice?: Problem; signedOut?: boolean }) {
  useEffect(() => {
    document.title = 'Sign in · Roster console'
  }, [])
  return (
    <div class="centered">
      <main class="card sign-in" id="main">
        <p class="brand large">Roster</p>
        <h1>Sign in to the console</h1>
        {signedOut ? (
          <p class="notice" role="status">
            You signed out. Close this tab, or sign in again.
          </p>
        ) : (
          notice &&
          notice.code !== 'signed_out' && (
            <div class="problem" role="alert">
              <p class="problem-title">{notice.title}</p>
              {notice.detail && <p>{notice.detail}</p>}
            </div>
          )
        )}
        <section aria-labelledby="link-heading">
          <h2 id="link-heading">With a sign-in link</h2>
          <p>
            Organization admins sign in with a one-time link that works for 15 minutes. Ask the person who runs Roster to
            create one for your email:
          </p>
          <pre class="command">npm run --silent cli -- admin login-link --org &lt;organization id&gt; --email &lt;your email&gt;</pre>
          <p class="hint">Then open the link in this browser. Each link works once.</p>
        </section>
        <section aria-labelledby="sso-heading" class="sso-slot" data-slot="sso">
          <h2 id="sso-heading">With single sign-on</h2>
          <p>If your organization has set up single sign-on with Microsoft Entra ID, enter your work email.</p>
          {/* Roster finds the organization by the email's domain and sends you to Entra. */}
          <form class="sso-email" method="get" action="/sso/saml/start" onSubmit={startSso}>
            <p class="field">
              <label for="sso-email">Work email</label>
              <input id="sso-email" name="email" type="email" autocomplete="username" required placeholder="you@example.com" />
            </p>
            <p>
              <button type="submit" class="button">Sign in with SSO</button>
            </p>
          </form>
          <details>
            <summary>Use the organization id instead</summary>
            <form class="sso-email" method="get" action="/sso/saml/start" onSubmit={startSso}>
              <p class="field">
                <label for="sso-org">Organization id</label>
                <input id="sso-org" name="org" required placeholder="org_…" />
              </p>
              <p>
                <button type="submit" class="button secondary">Sign in with SSO</button>
              </p>
            </form>
          </details>
        </section>
      </main>
    </div>
  )
}
