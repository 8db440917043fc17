/** The console's pages. Keep in step with src/http/console/client-routes.ts, which serves index.html for them. */
export const ROUTES = {
  home: '/',
  signIn: '/sign-in',
  signInLink: '/sign-in/link',
  secrets: '/settings/secrets',
  members: '/settings/members',
  provisioning: '/settings/provisioning',
  sso: '/settings/sso',
  setup: '/setup',
  diagnostics: '/diagnostics',
  developers: '/developers',
} as const
