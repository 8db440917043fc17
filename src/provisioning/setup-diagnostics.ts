import type { Clock } from '../lib/clock.js'
import type { ProvisioningLog } from './provisioning-log.js'
import type { ProvisioningLogEntry } from './types.js'

/** `2026-11-30T12:04:05.123Z` as `2026-11-30 12:04 UTC`: a sentence an admin reads, whatever their time zone. */
const readableTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`

/** One finding of the console's diagnostics panel: what is wrong with the setup, and what to do about it. */
export interface Diagnostic {
  code: 'unauthorized' | 'repeated-bad-requests' | 'no-recent-requests' | 'no-requests-yet' | 'default-role-on-every-user' | 'roles-only-on-updates' | 'users-without-role'
  severity: 'error' | 'warning' | 'info'
  title: string
  detail: string
  action: string
  since?: string
}

/** How members look to the checks: counted by the caller (a bounded scan of SCIM members). */
export interface MemberRoleCounts {
  scimMembers: number
  withoutDirectoryRole: number
}

/** Entra provisions every 40 minutes; a longer silence means the job is stopped, quarantined or failing earlier. */
const CYCLE_MS = 40 * 60_000
const WEEK_MS = 7 * 24 * 3_600_000
/** Entries read for the checks that scan the log: bounded, whatever the organization's volume. */
const SCAN = 500
const REPEATED = 3

const isRoleAttribute = (attribute: string) => /(^|:)(modernloopRole|roles)(\.|$|\[)/i.test(attribute)

/**
 * The diagnostics of an organization's provisioning, computed from the log (and the members' roles) on each call:
 * 401s since the last success, repeated 400s with their most common detail, silence longer than a cycle, and role
 * mappings that never or only sometimes send a role. Every scan is bounded (a page of the newest entries).
 */
export async function setupDiagnostics(log: ProvisioningLog, clock: Clock, orgId: string, roles: MemberRoleCounts): Promise<Diagnostic[]> {
  const now = clock.now().getTime()
  const week = new Date(now - WEEK_MS).toISOString()
  const found: Diagnostic[] = []
  const [summary, stats, lastSuccess] = await Promise.all([
    log.summary(orgId),
    log.diagnostics(orgId, 7),
    log.queryLog(orgId, { outcome: 'success' }, { limit: 1 }),
  ])

  const lastOk = lastSuccess.entries[0]?.time
  if (stats.unauthorized.lastAt && (!lastOk || stats.unauthorized.lastAt > lastOk)) {
    const failures = await log.queryLog(orgId, { outcome: 'failure', ...(lastOk ? { since: lastOk } : { since: week }) }, { limit: SCAN })
    const first = failures.entries.filter((e) => e.status === 401).at(-1)
    found.push({
      code: 'unauthorized',
      severity: 'error',
      title: 'The identity provider is sending a token Roster does not accept',
      detail: `SCIM requests have been answered 401 (${stats.unauthorized.count} in the last 7 days)${lastOk ? ` since the last successful request at ${readableTime(lastOk)}` : ' and none has succeeded yet'}.`,
      action: 'Create a new SCIM token (Organization settings → Secrets → SCIM token), paste it as Secret Token in Entra (Provisioning → Admin credentials), then Test Connection.',
      ...(first ? { since: first.time } : {}),
    })
  }

  const badRequests = stats.topFailures.filter((f) => f.status === 400 && f.count >= REPEATED)
  if (badRequests.length) {
    const top = badRequests[0]!
    found.push({
      code: 'repeated-bad-requests',
      severity: 'warning',
      title: 'Roster keeps refusing the same request',
      detail: `${badRequests.reduce((n, f) => n + f.count, 0)} requests were answered 400 in the last 7 days; the most common: ${top.detail ?? top.scimType ?? 'no detail'} (${top.count}×, last at ${top.lastAt}).`,
      action: 'Open the provisioning log filtered to failures, fix the attribute mapping in Entra that sends this value, then restart provisioning.',
      since: stats.since,
    })
  }

  if (summary.lastRequestAt === null) {
    found.push({
      code: 'no-requests-yet',
      severity: 'info',
      title: 'No SCIM request has arrived yet',
      detail: 'Roster has not received any provisioning request for this organization.',
      action: 'In Entra, set the Tenant URL and Secret Token, run Test Connection, then start provisioning (the setup guide walks through it).',
    })
  } else if (now - Date.parse(summary.lastRequestAt) > CYCLE_MS) {
    found.push({
      code: 'no-recent-requests',
      severity: 'warning',
      title: 'No SCIM request for more than 40 minutes',
      detail: `The last request arrived at ${summary.lastRequestAt}; Entra provisions every 40 minutes while its job runs.`,
      action: 'In Entra, check that provisioning is On and not in quarantine (Provisioning → Overview), and restart it if needed.',
      since: summary.lastRequestAt,
    })
  }

  if (roles.scimMembers > 0 && roles.withoutDirectoryRole === roles.scimMembers) {
    found.push({
      code: 'default-role-on-every-user',
      severity: 'warning',
      title: 'The identity provider sends no role: every member has the default role',
      detail: `None of the ${roles.scimMembers} provisioned members came with a role, so all are INTERVIEWER.`,
      action: 'In Entra, assign app roles (ML_ADMIN, ML_SCHEDULER, ML_INTERVIEWER) to users and map them to modernloopRole (the setup guide shows the mapping).',
    })
  } else if (roles.withoutDirectoryRole > 0) {
    found.push({
      code: 'users-without-role',
      severity: 'info',
      title: 'Some members were provisioned without a role',
      detail: `${roles.withoutDirectoryRole} of ${roles.scimMembers} provisioned members never received a role from the identity provider and have the default role.`,
      action: 'Assign those users an app role in Entra (Enterprise applications → Users and groups).',
    })
  }

  const rolesOnlyOnUpdates = await createsWithoutRolesButUpdatesWith(log, orgId, week)
  if (rolesOnlyOnUpdates) {
    found.push({
      code: 'roles-only-on-updates',
      severity: 'warning',
      title: 'Roles arrive only on updates, not when users are created',
      detail: 'In the last 7 days new users were created without a role while later updates carried one, so members start with the default role until the next cycle.',
      action: 'In Entra\'s attribute mapping for modernloopRole, set "Apply this mapping" to Always (not Only during updates).',
    })
  }
  return found
}

async function createsWithoutRolesButUpdatesWith(log: ProvisioningLog, orgId: string, since: string): Promise<boolean> {
  const [creates, updates] = await Promise.all([
    log.queryLog(orgId, { operation: 'create', outcome: 'success', since }, { limit: SCAN }),
    log.queryLog(orgId, { operation: 'update', outcome: 'success', since }, { limit: SCAN }),
  ])
  const carriesRole = (entry: ProvisioningLogEntry) => entry.changes.some((c) => isRoleAttribute(c.attribute))
  const userCreates = creates.entries.filter((e) => e.resourceType === 'User')
  return userCreates.length > 0 && userCreates.every((e) => !carriesRole(e)) && updates.entries.some((e) => e.resourceType === 'User' && carriesRole(e))
}
