import { useLocation } from 'preact-iso'
import { useEffect, useRef, useState } from 'preact/hooks'
import { consoleClient } from '../api/console-client'
import type { Problem } from '../api/problem'
import { ROUTES } from '../routes'

/**
 * /sign-in/link#<token>: the login link's token travels in the fragment (never sent in a GET, never in logs or
 * Referer); this page posts it once and forgets it.
 */
export function SignInLinkPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { route } = useLocation()
  const [problem, setProblem] = useState<Problem | null>(null)
  const started = useRef(false)

  useEffect(() => {
    if (started.current) return
    started.current = true
    document.title = 'Signing in · Roster console'
    const token = decodeURIComponent(window.location.hash.replace(/^#/, ''))
    // Take the token out of the address bar and the history at once.
    history.replaceState(null, '', ROUTES.signInLink)
    void (async () => {
      const result = await consoleClient.signInWithLink(token)
      if (!result.ok) {
        document.title = 'Sign-in failed · Roster console'
        setProblem(result.problem)
        return
      }
      await onSignedIn()
      route(ROUTES.setup, true)
    })()
  }, [onSignedIn, route])

  return (
    <div class="centered">
      <main class="card sign-in" id="main">
        <p class="brand large">Roster</p>
        {problem === null ? (
          <p role="status">Signing you in…</p>
        ) : (
          <>
            <h1>{problem.title}</h1>
            <div class="problem" role="alert">
              <p>{problem.detail ?? 'Ask your Roster operator for a new sign-in link.'}</p>
            </div>
            <p>
              <a href={ROUTES.signIn}>How to sign in</a>
            </p>
          </>
        )}
      </main>
    </div>
  )
}
