import type { ColumnType } from 'kysely'

/** Kysely table types of the OpenID Connect provider (migration 0008). JSON lists are text; times ISO-8601 text. */
export interface OidcTables {
  oidc_clients: {
    id: string
    name: string
    secret_hash: string
    redirect_uris: string
    backchannel_logout_uri: string | null
    created_at: string
  }
  oidc_signing_keys: {
    kid: string
    alg: string
    private_jwk: string
    public_jwk: string
    status: string
    created_at: string
    retired_at: string | null
  }
  oidc_pending_authorizations: {
    id: string
    client_id: string
    org_id: string
    redirect_uri: string
    state: string | null
    nonce: string | null
    scope: string
    code_challenge: string
    saml_request_id: string
    binding_hash: string
    created_at: string
    expires_at: string
    member_id: string | null
    auth_time: string | null
    amr: string | null
  }
  oidc_authorization_codes: {
    code_hash: string
    client_id: string
    org_id: string
    member_id: string
    redirect_uri: string
    nonce: string | null
    scope: string
    code_challenge: string
    sid: string
    auth_time: string
    amr: string
    created_at: string
    expires_at: string
    used_at: string | null
  }
  oidc_access_tokens: {
    token_hash: string
    client_id: string
    org_id: string
    member_id: string
    code_hash: string
    scope: string
    created_at: string
    expires_at: string
    revoked_at: string | null
  }
  oidc_sessions: {
    sid: string
    org_id: string
    member_id: string
    client_id: string
    created_at: string
    ended_at: string | null
  }
  oidc_logout_deliveries: {
    id: string
    org_id: string
    client_id: string
    member_id: string
    sid: string
    event_id: string
    url: string
    status: string
    attempts: number
    last_response_code: number | null
    last_error: string | null
    next_attempt_at: string | null
    lease_until: string | null
    created_at: string
    updated_at: string
  }
  oidc_logout_cursor: {
    id: string
    /** pg returns bigint as string. */
    position: ColumnType<number | string, number, number>
  }
  oidc_org_domains: {
    id: string
    org_id: string
    domain: string
    verification_value: string
    verified_at: string | null
    created_at: string
  }
}
