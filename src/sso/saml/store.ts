import type { SamlConnection } from './types.js'

/** What the SAML domain needs from persistence. Implemented by `src/store/`. */
export interface SamlStore {
  insertSamlConnection(connection: SamlConnection): Promise<void>
  /** Writes every field of the connection (matched by orgId and id). */
  updateSamlConnection(connection: SamlConnection): Promise<void>
  findSamlConnection(orgId: string, id: string): Promise<SamlConnection | undefined>
  /**
   * By id alone: the ACS and metadata URLs name the connection, and the connection names the organization (as a
   * SCIM token does). Callers must take the organization from the connection, never from the request.
   */
  findSamlConnectionById(id: string): Promise<SamlConnection | undefined>
  findSamlConnectionOfOrg(orgId: string): Promise<SamlConnection | undefined>
  /** The connection an email domain (lower-cased) belongs to. */
  findSamlConnectionByDomain(domain: string): Promise<SamlConnection | undefined>
  /** Every connection (orgId given: that organization's), in creation order. */
  listSamlConnections(orgId?: string): Promise<SamlConnection[]>
  /** Connections that follow a metadata URL and were not refreshed since `before`, oldest first, at most `limit`. */
  listSamlConnectionsToRefresh(before: string, limit: number): Promise<SamlConnection[]>
  /** False when the organization has no such connection. Its request ids and assertion ids go with it. */
  deleteSamlConnection(orgId: string, id: string): Promise<boolean>

  /** Remembers the id of an AuthnRequest Roster sent, until `expiresAt`. */
  saveSamlRequest(connectionId: string, requestId: string, createdAt: string, expiresAt: string): Promise<void>
  /** The request's creation time when it is known and not expired at `now`. */
  findSamlRequest(connectionId: string, requestId: string, now: string): Promise<string | undefined>
  deleteSamlRequest(connectionId: string, requestId: string): Promise<void>
  /**
   * Records that an assertion id was consumed; false when it already was (a replay). The database's primary key
   * decides, so the answer holds across instances.
   */
  consumeAssertionId(connectionId: string, assertionId: string, expiresAt: string): Promise<boolean>
  /** Deletes expired request ids and assertion ids; returns how many rows went. */
  purgeExpiredSamlState(now: string): Promise<number>
}
