import type { ApiClient } from '../api/v1-client'

/** One checklist item: true (seen), false (not yet), null (Roster cannot tell: the API did not answer). */
export type Tick = boolean | null

export interface SetupProgress {
  tokenCreated: Tick
  testConnectionSeen: Tick
  firstUserCreated: Tick
  firstRoleReceived: Tick
}

export const UNKNOWN_PROGRESS: SetupProgress = { tokenCreated: null, testConnectionSeen: null, firstUserCreated: null, firstRoleReceived: null }

/**
 * The setup checklist's data source: ticks itself from /api/v1. Each tick is asked separately, so one failing call
 * leaves only its own item unknown.
 *
 * Test Connection is Entra's probe `GET /Users?filter=userName eq "<random guid>"`, found by the log's text search on
 * the path; a user created is a successful `create` of a SCIM request in the log (its path is the Tenant URL's /Users; a member created
 * just in time at SSO sign-in is a `create` too, at the ACS, and must not tick it); a role received is a member with a directory role
 * (the role Entra sent), read from the first page of members (a new organization's, the case the checklist is for).
 */
export async function loadSetupProgress(api: ApiClient, orgId: string): Promise<SetupProgress> {
  const path = { orgId }
  const [tokens, probe, created, members] = await Promise.all([
    api.GET('/organizations/{orgId}/scim-tokens', { params: { path } }).catch(() => undefined),
    api.GET('/organizations/{orgId}/provisioning-log', { params: { path, query: { q: 'filter=userName', outcome: 'success', limit: 1 } } }).catch(() => undefined),
    api.GET('/organizations/{orgId}/provisioning-log', { params: { path, query: { operation: 'create', outcome: 'success', q: '/scim/v2/Users', limit: 1 } } }).catch(() => undefined),
    api.GET('/organizations/{orgId}/members', { params: { path, query: { source: 'scim', limit: 200 } } }).catch(() => undefined),
  ])
  return {
    tokenCreated: tokens?.data ? tokens.data.data.length > 0 : null,
    testConnectionSeen: probe?.data ? probe.data.data.length > 0 : null,
    firstUserCreated: created?.data ? created.data.data.length > 0 : null,
    firstRoleReceived: members?.data ? members.data.data.some((m) => m.directoryRole !== null) : null,
  }
}
