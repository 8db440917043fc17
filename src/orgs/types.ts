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

/** An API key as stored (issue 7): `orgId` null is a platform key. Never the secret, only its SHA-256. */
export interface ApiKeyRecord {
  id: string
  orgId: string | null
  secretHash: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}
