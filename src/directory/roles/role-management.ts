import { DomainError } from '../../lib/domain-error.js'
import type { RoleManagement } from '../../orgs/types.js'
import type { Role } from '../types.js'
import { ALLOWED_ROLE_VALUES, parseRoleValue } from './role-mapping.js'

/** A role given to members created without one (the seed document's mapping default). */
export const DEFAULT_ROLE: Role = 'INTERVIEWER'

export const ROLE_MANAGEMENT_MODES: readonly RoleManagement[] = ['scim', 'platform']

/** The two role fields of a member. */
export interface MemberRoles {
  role: Role
  directoryRole: Role | null
}

/** A member SCIM creates starts with the role it was sent (or INTERVIEWER), in either mode. */
export const rolesOfScimCreate = (sent: Role | undefined): MemberRoles => ({ role: sent ?? DEFAULT_ROLE, directoryRole: sent ?? null })

/**
 * The roles after a SCIM write to an existing member that carries `sent` (undefined: the write said nothing about the
 * role, and both stay).
 * - `scim`: the identity provider decides: role and directoryRole both become `sent`.
 * - `platform`: `sent` is recorded as directoryRole only; admins own `role`.
 */
export function rolesAfterScimWrite(mode: RoleManagement, current: MemberRoles, sent: Role | undefined): MemberRoles {
  if (sent === undefined) return { role: current.role, directoryRole: current.directoryRole }
  return mode === 'scim' ? { role: sent, directoryRole: sent } : { role: current.role, directoryRole: sent }
}

/**
 * What SCIM reads show as `modernloopRole` (and what the stored document holds): the directory's value when it sent
 * one, else the member's role. Entra compares what it reads with what it computes and re-sends every difference on
 * every cycle, so answering with a platform-managed role would make it fight the admin forever.
 */
export const scimRoleOf = (member: MemberRoles): Role => member.directoryRole ?? member.role

/** Where an admin switches the setting, in the words every refusal uses. */
export const whereRoleManagementIsSwitched = (orgId: string): string =>
  `Organization settings → Members → Role management (CLI: org settings --org ${orgId} --role-management platform; ` +
  'API: the organization\'s settings, "roleManagement": "platform")'

/**
 * THE rule of who may change a role outside SCIM. In `scim` mode the identity provider owns roles: a change made
 * here would be undone by the next provisioning cycle, so it is refused with a sentence an admin can act on.
 * The CLI, the API and the console all reach it through `Members.changeMemberRole`.
 */
export function assertAdminMayChangeRoles(mode: RoleManagement, orgId: string): void {
  if (mode === 'platform') return
  throw new DomainError(
    'conflict',
    "This organization's roles are managed in its identity provider (role management: SCIM), so Roster does not change them: " +
      'change the app role assigned to this person in Microsoft Entra ID (or your identity provider). ' +
      `To manage roles in Roster instead, switch ${whereRoleManagementIsSwitched(orgId)}.`,
    'role_managed_by_identity_provider',
  )
}

/** An admin's role input (CLI, API, console): ADMIN, SCHEDULER, INTERVIEWER or the ML_ names, in any case. */
export function parseRoleInput(value: string): Role {
  const parsed = parseRoleValue(value)
  if (parsed.kind === 'role') return parsed.role
  throw new DomainError('invalid', `"${value}" is not a role. Allowed values: ${ALLOWED_ROLE_VALUES}.`)
}

export function parseRoleManagement(value: string): RoleManagement {
  const mode = value.trim().toLowerCase()
  if (mode === 'scim' || mode === 'platform') return mode
  throw new DomainError('invalid', `"${value}" is not a role-management mode. Allowed values: scim (roles come from the identity provider) or platform (admins set roles in Roster).`)
}
