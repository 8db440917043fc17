import { LocationProvider, Route, Router, useLocation } from 'preact-iso'
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import { consoleClient, type ConsoleSession } from './api/console-client'
import type { Problem } from './api/problem'
import { createApiClient } from './api/v1-client'
import { Shell } from './components/shell'
import { DevelopersPage } from './pages/developers'
import { DiagnosticsPage } from './pages/diagnostics'
import { MembersPage } from './pages/members'
import { NotFoundPage } from './pages/not-found'
import { ProvisioningPage } from './pages/provisioning'
import { SecretsPage } from './pages/secrets'
import { SetupGuidePage } from './pages/setup-guide'
import { SignInPage } from './pages/sign-in'
import { SignInLinkPage } from './pages/sign-in-link'
import { SingleSignOnPage } from './pages/single-sign-on'
import { ROUTES } from './routes'
import { SessionContext, type SignedIn } from './session-context'

type SessionState = { kind: 'loading' } | { kind: 'signed-out'; problem: Problem } | { kind: 'signed-in'; session: ConsoleSession }

export function App() {
  return (
    <LocationProvider>
      <Console />
    </LocationProvider>
  )
}

function Console() {
  const { path, route } = useLocation()
  const [state, setState] = useState<SessionState>({ kind: 'loading' })
  // Survives the session check that follows the navigation to /sign-in, so the page can say "You signed out".
  const [justSignedOut, setJustSignedOut] = useState(false)

  const refresh = useCallback(async () => {
    const result = await consoleClient.session()
    if (result.ok) setJustSignedOut(false)
    setState(result.ok ? { kind: 'signed-in', session: result.value } : { kind: 'signed-out', problem: result.problem })
  }, [])

  // The session is asked for on every navigation: a member deactivated or demoted meanwhile is signed out at once.
  useEffect(() => {
    if (path !== ROUTES.signInLink) void refresh()
  }, [path, refresh])

  const csrfToken = state.kind === 'signed-in' ? state.session.csrfToken : undefined
  // One client per session, so that asking the session again on navigation does not make every page reload its data.
  const api = useMemo(() => (csrfToken === undefined ? undefined : createApiClient(csrfToken)), [csrfToken])
  const signedIn = useMemo<SignedIn | null>(() => {
    if (state.kind !== 'signed-in' || api === undefined) return null
    return {
      session: state.session,
      api,
      refresh,
      signOut: async () => {
        await consoleClient.signOut(state.session.csrfToken)
        setJustSignedOut(true)
        setState({ kind: 'signed-out', problem: { title: 'You signed out', status: 401 } })
        route(ROUTES.signIn)
      },
    }
  }, [state, api, refresh, route])

  if (path === ROUTES.signInLink) return <SignInLinkPage onSignedIn={refresh} />
  if (state.kind === 'loading') return <p class="loading" role="status">Loading the console…</p>
  if (signedIn === null) {
    const problem = state.kind === 'signed-out' ? state.problem : undefined
    return <SignInPage notice={path === ROUTES.signIn ? undefined : problem} signedOut={justSignedOut} />
  }
  if (path === ROUTES.signIn) {
    route(ROUTES.setup, true)
    return null
  }

  return (
    <SessionContext.Provider value={signedIn}>
      <Shell>
        <Router>
          <Route path={ROUTES.home} component={SetupGuidePage} />
          <Route path={ROUTES.setup} component={SetupGuidePage} />
          <Route path={ROUTES.secrets} component={SecretsPage} />
          <Route path={ROUTES.members} component={MembersPage} />
          <Route path={ROUTES.provisioning} component={ProvisioningPage} />
          <Route path={ROUTES.sso} component={SingleSignOnPage} />
          <Route path={ROUTES.diagnostics} component={DiagnosticsPage} />
          <Route path={ROUTES.developers} component={DevelopersPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </Shell>
    </SessionContext.Provider>
  )
}
