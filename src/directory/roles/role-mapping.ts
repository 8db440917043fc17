import { ROLES, type Role } from '../types.js'

/**
 * Entra sends the role as the attribute's value (ADMIN) or, through SingleAppRoleAssignment, as the app role's
 * display name (ML_ADMIN); the seed document's app roles are named ML_ADMIN, ML_SCHEDULER and ML_INTERVIEWER.
 */
const ROLE_ALIASES: ReadonlyMap<string, Role> = new Map(
  ROLES.flatMap((role) => [
    [role, role],
    [`ML_${role}`, role],
  ]),
)

export const ALLOWED_ROLE_VALUES = 'ADMIN, SCHEDULER or INTERVIEWER (or the Entra app-role names ML_ADMIN, ML_SCHEDULER, ML_INTERVIEWER), in any case'

export type RoleValue = { kind: 'role'; role: Role } | { kind: 'empty' } | { kind: 'invalid'; value: string }

/** Reads a `modernloopRole` value. Empty covers absent, null and "" (Entra's Switch() clearing the target). */
export function parseRoleValue(value: unknown): RoleValue {
  if (value === undefined || value === null) return { kind: 'empty' }
  if (typeof value !== 'string') return { kind: 'invalid', value: JSON.stringify(value) }
  const trimmed = value.trim()
  if (trimmed === '') return { kind: 'empty' }
  const role = ROLE_ALIASES.get(trimmed.toUpperCase())
  return role ? { kind: 'role', role } : { kind: 'invalid', value }
}

/** ADMIN, then SCHEDULER, then INTERVIEWER: when several roles arrive at once, the most privileged wins. */
export function mostPrivileged(roles: Iterable<Role>): Role | undefined {
  let best: number | undefined
  for (const role of roles) {
    const rank = ROLES.indexOf(role)
    if (best === undefined || rank < best) best = rank
  }
  return best === undefined ? undefined : ROLES[best]
}

/**
 * The role carried by a SCIM `roles` attribute (Entra's AppRoleAssignmentsComplex, field guide §2.4). Elements may
 * carry the role in `value`, `display` or `displayName`, and in PATCH the `value` is a JSON string holding an object.
 * Elements naming no Roster role (Entra's default "User", "msiam_access") are ignored; undefined when none names one.
 */
export function roleFromRolesAttribute(roles: unknown): Role | undefined {
  const found: Role[] = []
  for (const element of Array.isArray(roles) ? roles : [roles]) {
    for (const candidate of roleCandidates(element)) {
      const parsed = parseRoleValue(candidate)
      if (parsed.kind === 'role') found.push(parsed.role)
    }
  }
  return mostPrivileged(found)
}

function roleCandidates(element: unknown): unknown[] {
  if (typeof element === 'string') {
    const trimmed = element.trim()
    if (trimmed.startsWith('{')) {
      try {
        return roleCandidates(JSON.parse(trimmed))
      } catch {
        return [element]
      }
    }
    return [element]
  }
  if (element && typeof element === 'object') {
    const record = element as Record<string, unknown>
    const values: unknown[] = []
    for (const [key, value] of Object.entries(record)) {
      const lower = key.toLowerCase()
      if (lower === 'value') values.push(...roleCandidates(value))
      else if (lower === 'display' || lower === 'displayname') values.push(value)
    }
    return values
  }
  return []
}
