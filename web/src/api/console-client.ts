import { problemOf, type Problem } from './problem'

/** GET /console/session: who is signed in, to which organization, and the CSRF token for state-changing requests. */
export interface ConsoleSession {
  organization: { id: string; name: string; roleManagement: string }
  member: { id: string; userName: string; displayName: string | null; role: string }
  tenantUrl: string
  csrfToken: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem }

async function request(path: string, init: RequestInit = {}): Promise<Response | undefined> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...init.headers } })
  } catch {
    return undefined
  }
}

/** The console's own endpoints (not /api/v1): session, sign-in by login link, sign-out. */
export const consoleClient = {
  async session(): Promise<Result<ConsoleSession>> {
    const response = await request('/console/session')
    if (response?.ok) return { ok: true, value: (await response.json()) as ConsoleSession }
    return { ok: false, problem: await problemOf(response) }
  },

  async signInWithLink(token: string): Promise<Result<null>> {
    const response = await request('/console/sign-in/link', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    if (response?.ok) return { ok: true, value: null }
    return { ok: false, problem: await problemOf(response, 'Sign-in failed') }
  },

  async signOut(csrfToken: string): Promise<Result<null>> {
    const response = await request('/console/sign-out', { method: 'POST', headers: { 'x-csrf-token': csrfToken } })
    if (response?.ok) return { ok: true, value: null }
    return { ok: false, problem: await problemOf(response, 'Sign-out failed') }
  },
}
