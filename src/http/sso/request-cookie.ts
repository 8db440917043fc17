/**
 * The ids of the SP-initiated logins a browser started, kept in a cookie so that only that browser can finish them
 * (field guide §4: bind InResponseTo to the browser). The ACS is reached by a cross-site POST from the IdP, so the
 * cookie must be `SameSite=None`, which browsers accept only with `Secure`: the binding is on for https deployments.
 */
export const REQUEST_COOKIE = 'roster_saml_requests'

/** A few at once, so that two tabs signing in together both finish. */
const MAX_IDS = 3
const ID = /^_[0-9a-f]{16,64}$/

export function readRequestIds(cookieHeader: string | undefined): string[] {
  if (cookieHeader === undefined) return []
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === REQUEST_COOKIE) return rest.join('=').split('.').filter((id) => ID.test(id)).slice(-MAX_IDS)
  }
  return []
}

/** The Set-Cookie header that keeps `ids` (the newest MAX_IDS), or clears the cookie when there are none. */
export function requestCookie(ids: string[], path: string, maxAgeSeconds: number): string {
  const kept = ids.slice(-MAX_IDS)
  const value = kept.join('.')
  return `${REQUEST_COOKIE}=${value}; Path=${path}; Max-Age=${kept.length === 0 ? 0 : maxAgeSeconds}; HttpOnly; Secure; SameSite=None`
}
