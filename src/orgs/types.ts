/** How members' roles are managed (seed document: Organization settings → Members). */
export type RoleManagement = 'scim' | 'platform'

export interface Organization {
  id: string
  name: string
  roleManagement: RoleManagement
  createdAt: string
}

/** A SCIM bearer token as stored: never the secret, only its SHA-256. */
export interface ScimTokenRecord {
  id: string
  orgId: string
  /** Hex SHA-256 of the secret part of the token. */
  secretHash: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}
