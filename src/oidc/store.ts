import type { DirectoryStore } from '../directory/store.js'
import type { EventStore } from '../events/store.js'
import type { OrgStore } from '../orgs/store.js'
import type {
  AccessTokenRecord, AuthorizationCode, LogoutDelivery, OidcClient, OidcSession, OrgDomain, PendingAuthorization, SigningKeyRecord,
} from './types.js'

/** An open session joined with its client's back-channel logout URI (null: the client takes none). */
export interface SessionToEnd extends OidcSession {
  backchannelLogoutUri: string | null
}

/** What the OpenID Connect provider persists. Implemented by `src/store/oidc-repo.ts` on both engines. */
export interface OidcStore {
  insertOidcClient(client: OidcClient): Promise<void>
  findOidcClient(id: string): Promise<OidcClient | undefined>
  listOidcClients(): Promise<OidcClient[]>
  deleteOidcClient(id: string): Promise<boolean>

  /** Every key not yet retired (active first, then previous), newest first. */
  listPublishedSigningKeys(): Promise<SigningKeyRecord[]>
  /** Inserts `key` as active; the active key becomes previous, the previous one retired (at `at`). One transaction. */
  rotateSigningKeys(key: SigningKeyRecord, at: string): Promise<void>

  insertPendingAuthorization(pending: PendingAuthorization): Promise<void>
  findPendingAuthorization(id: string): Promise<PendingAuthorization | undefined>
  /** Records the verified login on a request that has none yet; false when it had one (a second login is refused). */
  recordPendingLogin(id: string, login: { memberId: string; authTime: string; amr: string[] }): Promise<boolean>
  /** Deletes (consumes) the request; false when another request already consumed it. */
  deletePendingAuthorization(id: string): Promise<boolean>

  insertAuthorizationCode(code: AuthorizationCode): Promise<void>
  findAuthorizationCode(codeHash: string): Promise<AuthorizationCode | undefined>
  /** Marks the code used; false when it was used already (a replay). */
  markAuthorizationCodeUsed(codeHash: string, at: string): Promise<boolean>

  insertAccessToken(token: AccessTokenRecord): Promise<void>
  findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined>
  revokeAccessTokensOfCode(codeHash: string, at: string): Promise<number>
  revokeAccessTokensOfMember(orgId: string, memberId: string, at: string): Promise<number>

  insertOidcSession(session: OidcSession): Promise<void>
  /** Open sessions of a member, each with its client's back-channel logout URI. */
  listOpenOidcSessions(orgId: string, memberId: string): Promise<SessionToEnd[]>
  endOidcSessions(sids: string[], at: string): Promise<void>

  /**
   * Locks the back-channel fan-out cursor for the caller's transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so one
   * instance fans out at a time); undefined when another instance holds it.
   */
  lockLogoutCursor(): Promise<number | undefined>
  setLogoutCursor(position: number): Promise<void>

  insertLogoutDeliveries(deliveries: LogoutDelivery[]): Promise<void>
  /** Claims due pending deliveries under a lease (PostgreSQL: FOR UPDATE SKIP LOCKED). */
  claimLogoutDeliveries(now: string, leaseUntil: string, limit: number): Promise<LogoutDelivery[]>
  /** Saves an attempt's outcome and releases the lease. */
  updateLogoutDelivery(delivery: LogoutDelivery): Promise<void>
  listLogoutDeliveries(orgId: string): Promise<LogoutDelivery[]>

  insertOrgDomain(domain: OrgDomain): Promise<void>
  listOrgDomains(orgId: string): Promise<OrgDomain[]>
  findOrgDomain(orgId: string, id: string): Promise<OrgDomain | undefined>
  /** The verified claim of a domain (at most one organization holds it), if any. */
  findVerifiedOrgDomain(domain: string): Promise<OrgDomain | undefined>
  markOrgDomainVerified(id: string, at: string): Promise<void>
  deleteOrgDomain(orgId: string, id: string): Promise<boolean>

  /** Deletes expired pending requests, codes and access tokens (bounded by `limit` each); returns how many. */
  deleteExpiredOidcRows(before: string, limit: number): Promise<number>
}

/** The store the provider's services need: its own tables, the directory (access check), organizations, the outbox. */
export interface OidcServicesStore extends OidcStore, DirectoryStore, OrgStore, EventStore {
  transaction<T>(work: (store: OidcServicesStore) => Promise<T>): Promise<T>
}
