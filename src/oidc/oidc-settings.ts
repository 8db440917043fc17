/** The provider's settings (from config.ts; README "Configuration"). */
export interface OidcSettings {
  /** Roster's public URL: the `iss` of every token and the base of discovery. */
  issuer: string
  /** Lifetime of an authorization code (OIDC_CODE_TTL_SECONDS). */
  codeTtlMs: number
  /** Lifetime of an access token for userinfo (OIDC_ACCESS_TOKEN_TTL_SECONDS). */
  accessTokenTtlMs: number
  /** Lifetime of an ID token (OIDC_ID_TOKEN_TTL_SECONDS). */
  idTokenTtlMs: number
  /** How long a pending authorization waits for its SAML login (SAML_REQUEST_TTL_MINUTES). */
  requestTtlMs: number
}
