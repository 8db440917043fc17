/** A host product's app registered with Roster's OpenID Connect provider. Never carries the secret, only its hash. */
export interface OidcClient {
  /** The OAuth `client_id` (`rpc_…`). */
  id: string
  name: string
  /** SHA-256 (hex) of the client secret; the secret itself is shown once, at creation. */
  secretHash: string
  /** Exact redirect URIs: an authorization request must name one of these, character for character. */
  redirectUris: string[]
  /** Where Roster POSTs back-channel logout tokens, or null (no back-channel logout). */
  backchannelLogoutUri: string | null
  createdAt: string
}

/** A signing key of the provider. Only `active` signs; `active` and `previous` are published in the JWKS. */
export interface SigningKeyRecord {
  kid: string
  alg: 'RS256'
  /** The private key as a JWK (JSON text), stored in the database (see README "Where keys live"). */
  privateJwk: string
  publicJwk: string
  status: 'active' | 'previous' | 'retired'
  createdAt: string
  retiredAt: string | null
}

/** An authorization request waiting for the organization's SAML login (any instance can resume it). */
export interface PendingAuthorization {
  id: string
  clientId: string
  orgId: string
  redirectUri: string
  state: string | null
  nonce: string | null
  scope: string
  codeChallenge: string
  /** The SAML AuthnRequest started for it: only the IdP's answer to that request completes it (no IdP-initiated login). */
  samlRequestId: string
  /** SHA-256 of the secret kept in the browser's cookie: only the browser that started the request resumes it. */
  bindingHash: string
  createdAt: string
  expiresAt: string
  /** Filled when the SAML login of this request was verified. */
  memberId: string | null
  authTime: string | null
  amr: string[] | null
}

/** An issued authorization code (stored hashed), single use. */
export interface AuthorizationCode {
  codeHash: string
  clientId: string
  orgId: string
  memberId: string
  redirectUri: string
  nonce: string | null
  scope: string
  codeChallenge: string
  /** The session id (`sid`) the ID token carries and back-channel logout names. */
  sid: string
  authTime: string
  amr: string[]
  createdAt: string
  expiresAt: string
  usedAt: string | null
}

/** An opaque access token (stored hashed) for userinfo. */
export interface AccessTokenRecord {
  tokenHash: string
  clientId: string
  orgId: string
  memberId: string
  /** The code it was issued from: a replayed code revokes it. */
  codeHash: string
  scope: string
  createdAt: string
  expiresAt: string
  revokedAt: string | null
}

/** A member signed in to a client (one per token exchange): what back-channel logout ends. */
export interface OidcSession {
  sid: string
  orgId: string
  memberId: string
  clientId: string
  createdAt: string
  endedAt: string | null
}

/** One back-channel logout to send (durable, retried with backoff). */
export interface LogoutDelivery {
  id: string
  orgId: string
  clientId: string
  memberId: string
  sid: string
  /** The outbox event that caused it (member.deactivated, member.deleted, member.role_changed). */
  eventId: string
  url: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastResponseCode: number | null
  lastError: string | null
  nextAttemptAt: string | null
  createdAt: string
  updatedAt: string
}

/** A domain an organization claims for `login_hint` routing; usable once its DNS TXT record was seen. */
export interface OrgDomain {
  id: string
  orgId: string
  domain: string
  /** The TXT value to publish at the domain or at `_roster.<domain>`. */
  verificationValue: string
  verifiedAt: string | null
  createdAt: string
}
