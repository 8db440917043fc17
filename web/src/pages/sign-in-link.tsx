import { useLocation } from 'preact-iso'
import { useEffect, useState } from 'preact/hooks'
import { consoleClient } from '../api/console-client'
import type { Problem } from '../api/problem'
import { ROUTES } from '../routes'

/**
 * /sign-in/link#<token>: the login link's token travels in the fragment (never sent in a GET, never in logs or
 * Referer); this page posts it once and takes it out of the address bar. Opening another link while this page is
 * shown changes only the fragment, so each `hashchange` is a new attempt.
 */
export function SignInLinkPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { route } = useLocation()
  const [problem, setProblem] = useState<Problem | null>(null)

  useEffect(() => {
    let live = true
    const attempt = async () => {
      const token = fragmentToken(window.location.hash)
      history.replaceState(null, '', ROUTES.signInLink)
      document.title = 'Signing in · Roster console'
      setProblem(null)
      const result = await consoleClient.signInWithLink(token)
      if (!live) return
      if (!result.ok) {
        document.title = `${result.problem.title} · Roster console`
        setProblem(result.problem)
        return
      }
      await onSignedIn()
      route(ROUTES.setup, true)
    }
    void attempt()
    const onHash = () => void attempt()
    window.addEventListener('hashchange', onHash)
    return () => {
      live = false
      window.removeEventListener('hashchange', onHash)
    }
    // Runs once per mount (later links arrive as hashchange events), so it lists no dependencies.
  }, [])

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

/** The fragment's token; a fragment mangled in transit (a stray `%`) is sent as it is, and refused as incomplete. */
function fragmentToken(hash: string): string {
  const raw = hash.replace(/^#/, '')
  try {
    return decodeURIComponent(raw)
  } catch {
    // decodeURIComponent throws on a broken escape, which left the page saying "Signing you in…" forever.
    return raw
  }
}
