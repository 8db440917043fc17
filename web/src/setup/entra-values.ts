/** The values an admin pastes into Entra, from the seed document and issue #8 (one place, so the guide and tests agree). */

export const APP_ROLES = [
  { displayName: 'ML_ADMIN', value: 'ML_ADMIN', description: 'Roster admin: manages the organization, its members and settings' },
  { displayName: 'ML_SCHEDULER', value: 'ML_SCHEDULER', description: 'Roster scheduler' },
  { displayName: 'ML_INTERVIEWER', value: 'ML_INTERVIEWER', description: 'Roster interviewer' },
] as const

/** The custom attribute's name: Entra sends a URN-named attribute when it creates a user, a plain name only on updates. */
export const ROLE_ATTRIBUTE = 'urn:ietf:params:scim:schemas:extension:modernloop:2.0:User:modernloopRole'

/** The seed's expression: app role value → Roster role. An empty result (no role assigned) leaves the role as it is. */
export const ROLE_EXPRESSION =
  'Switch(SingleAppRoleAssignment([appRoleAssignments]), "", "ML_ADMIN", "ADMIN", "ML_SCHEDULER", "SCHEDULER", "ML_INTERVIEWER", "INTERVIEWER")'

export const DEFAULT_ROLE = 'INTERVIEWER'
