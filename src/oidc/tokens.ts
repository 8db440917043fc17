import { createHash } from 'node:crypto'
import { accessOf } from '../directory/member-access.js'
import type { Clock } from '../lib/clock.js'
import { randomBase32 } from '../lib/ids.js'
import { constantTimeEqualHex, randomSecret, sha256Hex } from '../lib/tokens.js'
import { memberClaims } from './claims.js'
import type { OidcClients } from './oidc-clients.js'
import { OidcError } from './oidc-error.js'
import type { OidcSettings } from './oidc-settings.js'
import type { SigningKeys } from './signing-keys.js'
import type { OidcServicesStore } from './store.js'

/** The client's credentials as the token endpoint received them (Basic header or form fields, never both). */
export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  id_token: string
  scope: string
}

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

/**
 * The token endpoint's and userinfo's rules: a code is exchanged once, by its client, with its redirect URI and the
 * PKCE verifier, before it expires, for a member who is still active. A second use of a code is refused and revokes the
 * access tokens issued from it (RFC 6749 §4.1.2). Access tokens are opaque, hashed, short-lived; userinfo checks the
 * member's access again on every call.
 */
export class OidcTokens {
  constructor(
    private readonly store: OidcServicesStore,
    private readonly clients: OidcClients,
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly settings: OidcSettings,
  ) {}

  async exchange(credentials: ClientCredentials | undefined, form: Record<string, string | undefined>): Promise<TokenResponse> {
    if (!credentials) throw new OidcError('invalid_client', 'Authenticate the client with client_secret_basic or client_secret_post.')
    const client = await this.clients.authenticate(credentials.clientId, credentials.clientSecret)
    if (!client) throw new OidcError('invalid_client', 'Unknown client or wrong client secret.')
    if (form.grant_type !== 'authorization_code') throw new OidcError('unsupported_grant_type', 'Only grant_type=authorization_code is supported.')
    if (!form.code) throw new OidcError('invalid_request', 'The code parameter is missing.')
    const codeHash = sha256Hex(form.code)
    const code = await this.store.findAuthorizationCode(codeHash)
    if (!code || code.clientId !== client.id) throw new OidcError('invalid_grant', 'The authorization code is not valid for this client.')
    const now = this.clock.now()
    const replayed = async (): Promise<never> => {
      // A replayed code may be stolen: everything issued from it stops working (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
      await this.store.revokeAccessTokensOfCode(codeHash, this.clock.now().toISOString())
      throw new OidcError('invalid_grant', 'The authorization code was already used; the tokens issued from it are revoked.')
    }
    if (code.usedAt !== null) return replayed()
    if (code.expiresAt <= now.toISOString()) throw new OidcError('invalid_grant', 'The authorization code has expired; sign in again.')
    if (form.redirect_uri !== code.redirectUri) throw new OidcError('invalid_grant', 'redirect_uri differs from the one of the authorization request.')
    if (!form.code_verifier) throw new OidcError('invalid_grant', 'PKCE: the code_verifier parameter is missing.')
    if (!VERIFIER.test(form.code_verifier) || !pkceMatches(form.code_verifier, code.codeChallenge)) {
      throw new OidcError('invalid_grant', 'PKCE: the code_verifier does not match the code_challenge.')
    }
    // The access check again: a member deactivated between authorization and token gets nothing.
    const access = accessOf(await this.store.findUser(code.orgId, code.memberId))
    if (!access.allowed || access.member.orgId !== code.orgId) throw new OidcError('invalid_grant', 'The member may no longer sign in (not an active member of the organization).')

    const accessToken = `rat_${randomSecret()}`
    const nowSeconds = Math.floor(now.getTime() / 1000)
    // The code is marked used in the transaction that issues its token: a concurrent second exchange waits for it
    // (PostgreSQL row lock; SQLite serializes writers), finds it used, and revokes what this one issued.
    const issued = await this.store.transaction(async (tx) => {
      if (!(await tx.markAuthorizationCodeUsed(codeHash, now.toISOString()))) return false
      await tx.insertAccessToken({
        tokenHash: sha256Hex(accessToken), clientId: client.id, orgId: code.orgId, memberId: code.memberId, codeHash, scope: code.scope,
        createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.settings.accessTokenTtlMs).toISOString(), revokedAt: null,
      })
      await tx.insertOidcSession({ sid: code.sid, orgId: code.orgId, memberId: code.memberId, clientId: client.id, createdAt: now.toISOString(), endedAt: null })
      return true
    })
    if (!issued) return replayed()
    const idToken = await this.keys.sign(
      {
        ...memberClaims(access.member, code.scope, true),
        iss: this.settings.issuer,
        aud: client.id,
        azp: client.id,
        iat: nowSeconds,
        exp: nowSeconds + Math.floor(this.settings.idTokenTtlMs / 1000),
        auth_time: Math.floor(Date.parse(code.authTime) / 1000),
        amr: code.amr,
        sid: code.sid,
        jti: randomBase32(24),
        ...(code.nonce !== null ? { nonce: code.nonce } : {}),
        at_hash: atHash(accessToken),
      },
      'JWT',
    )
    return { access_token: accessToken, token_type: 'Bearer', expires_in: Math.floor(this.settings.accessTokenTtlMs / 1000), id_token: idToken, scope: code.scope }
  }

  /** The claims of the member behind a live access token; OidcError('invalid_token') otherwise. */
  async userinfo(accessToken: string | undefined): Promise<Record<string, unknown>> {
    if (!accessToken) throw new OidcError('invalid_token', 'Send the access token as "Authorization: Bearer …".')
    const token = accessToken.length <= 200 ? await this.store.findAccessToken(sha256Hex(accessToken)) : undefined
    if (!token || token.revokedAt !== null) throw new OidcError('invalid_token', 'The access token is not valid or was revoked.')
    if (token.expiresAt <= this.clock.now().toISOString()) throw new OidcError('invalid_token', 'The access token has expired.')
    const access = accessOf(await this.store.findUser(token.orgId, token.memberId))
    if (!access.allowed) throw new OidcError('invalid_token', 'The member may no longer sign in (not an active member of the organization).')
    return memberClaims(access.member, token.scope)
  }
}

const base64urlSha256 = (text: string): string => createHash('sha256').update(text, 'ascii').digest('base64url')

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge (compared in constant time). */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const expected = Buffer.from(base64urlSha256(verifier), 'base64url').toString('hex')
  const given = Buffer.from(challenge, 'base64url').toString('hex')
  return constantTimeEqualHex(expected, given)
}

/** OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url. */
const atHash = (accessToken: string): string => createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url')
