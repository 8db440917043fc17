import type { Organization, ScimTokenRecord } from './types.js'

/** What the organizations domain needs from persistence. Implemented by `src/store/`. */
export interface OrgStore {
  /** Runs `work` in one database transaction, with a store bound to that transaction. */
  transaction<T>(work: (store: OrgStore) => Promise<T>): Promise<T>
  /**
   * Inside a transaction: until it ends, no other transaction may create organizations (PostgreSQL table lock; a
   * SQLite write transaction already excludes other writers). First start uses it so that instances starting
   * together on an empty database create one default organization, not one each.
   */
  lockOrganizations(): Promise<void>

  insertOrganization(org: Organization): Promise<void>
  /** `forUpdate` locks the organization's row until the transaction ends (serializes token issuing). */
  findOrganization(id: string, options?: { forUpdate?: boolean }): Promise<Organization | undefined>
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
