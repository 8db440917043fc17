/**
 * The console's client-side routes: each serves index.html and the SPA's router shows the page. Listed (not a
 * catch-all) so that unknown URLs keep the app's 404 with its Tenant URL hints, and /org/scim/v2 and /api stay theirs.
 * Keep in step with web/src/routes.ts.
 */
export const CLIENT_ROUTES = [
  '/',
  '/sign-in',
  '/sign-in/*',
  '/settings/*',
  '/setup',
  '/diagnostics',
  '/developers',
] as const
