import type { ApiClient } from '../api/v1-client'
import { showsRoleFromDirectory } from './role-received'

/** One checklist item: true (seen), false (not yet), null (Roster cannot tell yet: the API or log did not answer). */
export type Tick = boolean | null

export interface SetupProgress {
  tokenCreated: Tick
  testConnectionSeen: Tick
  firstUserCreated: Tick
  firstRoleReceived: Tick
}

export const UNKNOWN_PROGRESS: SetupProgress = { tokenCreated: null, testConnectionSeen: null, firstUserCreated: null, firstRoleReceived: null }

/**
 * The setup checklist's data source: ticks itself from /api/v1 (SCIM tokens, and the provisioning log of issue #6).
 * Each tick is asked separately, so one missing endpoint leaves only its own item unknown.
 *
 * Test Connection is Entra's probe `GET /Users?filter=userName eq "<random guid>"`; the first role is the first log
 * entry whose change shows a role from the directory (showsRoleFromDirectory). Both need the log's query
 * (operation, text) as the API will serve it; until then
 * they read the newest log page, which is exact for a new organization, the case the checklist is for.
 */
export async function loadSetupProgress(api: ApiClient, orgId: string): Promise<SetupProgress> {
  const path = { orgId }
  const [tokens, created, recent] = await Promise.all([
    api.GET('/organizations/{orgId}/scim-tokens', { params: { path } }).catch(() => undefined),
    api.GET('/organizations/{orgId}/provisioning-log', { params: { path, query: { operation: 'create', outcome: 'success', limit: 1 } } }).catch(() => undefined),
    api.GET('/organizations/{orgId}/provisioning-log', { params: { path, query: { limit: 200 } } }).catch(() => undefined),
  ])
  const entries = recent?.data?.data
  return {
    tokenCreated: tokens?.data ? tokens.data.data.length > 0 : null,
    firstUserCreated: created?.data ? created.data.data.length > 0 : null,
    testConnectionSeen: entries
      ? entries.some((e) => e.method === 'GET' && /\/Users\?.*filter=userName/i.test(e.path) && e.status === 200)
      : null,
    firstRoleReceived: entries ? entries.some(showsRoleFromDirectory) : null,
  }
}
