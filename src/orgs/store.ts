import type { ApiKeyRecord, Organization, ScimTokenRecord } from './types.js'

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
  /** Organizations in id order after `afterId`, at most `limit` (cursor paging of the API). */
  pageOrganizations(page: { afterId?: string; limit: number }): Promise<Organization[]>
  /** Sets the name; false when there is no such organization. */
  renameOrganization(id: string, name: string): Promise<boolean>
  /** Deletes the organization and everything it owns (foreign keys cascade); false when there was none. */
  deleteOrganization(id: string): Promise<boolean>

  insertScimToken(token: ScimTokenRecord): Promise<void>
  /** By token id, whichever organization it belongs to (the token alone names the organization). */
  findScimToken(id: string): Promise<ScimTokenRecord | undefined>
  listScimTokens(orgId: string): Promise<ScimTokenRecord[]>
  /** Sets revokedAt; false when the organization has no such unrevoked token. */
  revokeScimToken(orgId: string, id: string, at: string): Promise<boolean>
  /** Records use; callers throttle this to about once a minute per token. */
  touchScimToken(id: string, at: string): Promise<void>

  insertApiKey(key: ApiKeyRecord): Promise<void>
  /** By key id, whichever organization it belongs to (the key alone names its scope). */
  findApiKey(id: string): Promise<ApiKeyRecord | undefined>
  /** `orgId` undefined: every key; null: platform keys; a string: that organization's keys. */
  listApiKeys(orgId?: string | null): Promise<ApiKeyRecord[]>
  /** Sets revokedAt on an unrevoked key (of `orgId` when given); false when there is none. */
  revokeApiKey(id: string, at: string, orgId?: string): Promise<boolean>
  /** Records use; callers throttle this. */
  touchApiKey(id: string, at: string): Promise<void>
}
