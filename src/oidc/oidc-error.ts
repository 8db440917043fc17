/** OAuth 2.0 / OpenID Connect error codes Roster's provider answers with (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1). */
export type OidcErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_token'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'

/**
 * A refusal in the protocol's own words: the HTTP surface sends it back to the client's redirect URI (authorize),
 * as a JSON error body (token), or in WWW-Authenticate (userinfo). `description` is for the developer reading it.
 */
export class OidcError extends Error {
  readonly error: OidcErrorCode
  constructor(error: OidcErrorCode, description: string) {
    super(description)
    this.name = 'OidcError'
    this.error = error
  }
}

/**
 * An authorization request whose client or redirect URI cannot be trusted: the error must be shown to the person,
 * never sent to the redirect URI (RFC 6749 §4.1.2.1), or Roster would be an open redirector.
 */
export class UntrustedRedirect extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UntrustedRedirect'
  }
}
