import type { Organization, ScimTokenRecord } from './types.js'

/** What the organizations domain needs from persistence. Implemented by `src/store/`. */
export interface OrgStore {
  insertOrganization(org: Organization): Promise<void>
  findOrganization(id: string): Promise<Organization | undefined>
  listOrganizations(): Promise<Organization[]>

  insertScimToken(token: ScimTokenRecord): Promise<void>
  /** By token id, whichever organization it belongs to (the token alone names the organization). */
  findScimToken(id: string): Promise<ScimTokenRecord | undefined>
  listScimTokens(orgId: string): Promise<ScimTokenRecord[]>
  /** Sets revokedAt; false when the organization has no such unrevoked token. */
  revokeScimToken(orgId: string, id: string, at: string): Promise<boolean>
  /** Records use; callers throttle this to about once a minute per token. */
  touchScimToken(id: string, at: string): Promise<void>
}
