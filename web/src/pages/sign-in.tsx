import { useEffect } from 'preact/hooks'
import type { Problem } from '../api/problem'

/**
 * The sign-in page. Today admins sign in with a one-time link from the operator's CLI; single sign-on (SAML, issue
 * #9) will add its button in the marked section.
 */
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
            You signed out. Close this tab, or sign in again with a new link.
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
          <p class="hint">
            When your organization has set up single sign-on (Organization settings → Single sign-on), a “Sign in with
            SSO” button appears here.
          </p>
        </section>
      </main>
    </div>
  )
}
