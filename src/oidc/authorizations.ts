import { accessOf } from '../directory/member-access.js'
import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { randomBase32 } from '../lib/ids.js'
import { randomSecret, secretMatches, sha256Hex } from '../lib/tokens.js'
import type { SamlSignIn } from '../sso/saml/saml-sign-in.js'
import type { VerifiedLogin } from '../sso/saml/types.js'
import { amrOf } from './amr.js'
import type { OidcClients } from './oidc-clients.js'
import { OidcError, UntrustedRedirect } from './oidc-error.js'
import type { OidcSettings } from './oidc-settings.js'
import type { OrgDomains } from './org-domains.js'
import type { SigningKeys } from './signing-keys.js'
import type { OidcServicesStore } from './store.js'
import type { OidcClient, PendingAuthorization } from './types.js'

/** The authorization request's parameters as received (query string of GET /oidc/authorize). */
export type AuthorizeParams = Partial<Record<
  | 'client_id' | 'redirect_uri' | 'response_type' | 'scope' | 'state' | 'nonce' | 'code_challenge' | 'code_challenge_method' | 'organization' | 'login_hint'
  | 'prompt' | 'max_age' | 'request' | 'request_uri' | 'response_mode',
  string
>>

/** Where the SAML login of a pending request comes back to (its RelayState; SAML caps that at 80 bytes). */
export const RESUME_PATH = '/oidc/resume/'
export const resumePath = (id: string): string => `${RESUME_PATH}${id}`
export const pendingIdOfRelayState = (relayState: string | null): string | undefined =>
  relayState?.startsWith(RESUME_PATH) ? relayState.slice(RESUME_PATH.length) || undefined : undefined

/** The JWT `typ` of a resume ticket: never an ID token's (JWT) or a logout token's (logout+jwt). */
const RESUME_TICKET_TYP = 'roster-resume+jwt'

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
const MAX_PARAM = 2000

/** A redirect back to the client: the code, or an error (RFC 6749 §4.1.2), with `state` and `iss` (RFC 9207). */
export interface ClientRedirect {
  url: string
}

/**
 * Who gets an authorization code, decided in one place: a registered client, its exact redirect URI, PKCE S256, an
 * organization (named, or by a verified email domain) with a SAML connection, that organization's SAML login of a
 * member, and the member's access (`accessOf`) at the moment the code is issued. The pending request lives in the
 * database (any instance resumes it) and is bound to the browser that started it.
 */
export class OidcAuthorizations {
  constructor(
    private readonly store: OidcServicesStore,
    private readonly clients: OidcClients,
    private readonly domains: OrgDomains,
    private readonly saml: SamlSignIn,
    private readonly clock: Clock,
    private readonly settings: OidcSettings,
    private readonly keys: SigningKeys,
  ) {}

  /** The client and redirect URI, or UntrustedRedirect: errors before this point are shown, never redirected. */
  async trustedRedirect(params: AuthorizeParams): Promise<{ client: OidcClient; redirectUri: string }> {
    if (!params.client_id) throw new UntrustedRedirect('The sign-in request names no client (client_id is missing).')
    const client = params.client_id.length <= 64 ? await this.store.findOidcClient(params.client_id) : undefined
    if (!client) throw new UntrustedRedirect('The sign-in request names an application Roster does not know (unknown client_id).')
    if (!params.redirect_uri) throw new UntrustedRedirect('The sign-in request has no redirect_uri.')
    // Exact, character-for-character matching (RFC 9700 §4.1.3): no prefix, no normalization.
    if (!client.redirectUris.includes(params.redirect_uri)) {
      throw new UntrustedRedirect('The sign-in request asks to return to an address that is not registered for this application (redirect_uri).')
    }
    return { client, redirectUri: params.redirect_uri }
  }

  /** An error redirect to a trusted redirect URI. */
  errorRedirect(redirectUri: string, state: string | undefined | null, error: OidcError): ClientRedirect {
    return this.redirect(redirectUri, { error: error.error, error_description: error.message, ...(state ? { state } : {}) })
  }

  /**
   * Checks the rest of the request, stores it pending, and starts the organization's SAML login with a RelayState
   * that resumes it. Throws OidcError (sent to the redirect URI).
   */
  async begin(client: OidcClient, redirectUri: string, params: AuthorizeParams): Promise<{ pendingId: string; binding: string; samlUrl: string; samlRequestId: string }> {
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value.length > MAX_PARAM) throw new OidcError('invalid_request', `The ${name} parameter is too long.`)
    }
    if (params.request !== undefined) throw new OidcError('request_not_supported', 'Request objects are not supported; send the parameters in the query.')
    if (params.request_uri !== undefined) throw new OidcError('request_uri_not_supported', 'request_uri is not supported; send the parameters in the query.')
    if (params.response_type !== 'code') throw new OidcError('unsupported_response_type', 'Roster supports the authorization code flow only (response_type=code).')
    if (params.response_mode !== undefined && params.response_mode !== 'query') throw new OidcError('invalid_request', 'Only response_mode=query is supported.')
    // Roster keeps no sign-in session of its own: every authorization runs the organization's SAML login.
    if (params.prompt?.split(' ').includes('none')) throw new OidcError('login_required', 'Roster has no session to answer prompt=none; send the request without it.')
    if (params.max_age !== undefined && !/^\d{1,9}$/.test(params.max_age)) throw new OidcError('invalid_request', 'max_age must be a number of seconds.')
    // prompt=login and max_age want a fresh authentication: the IdP is asked for one (ForceAuthn), since its own
    // session may be older; `auth_time` then tells the client when the IdP authenticated the person.
    const forceAuthn = params.prompt?.split(' ').includes('login') === true || params.max_age !== undefined
    const scopes = (params.scope ?? '').split(' ').filter(Boolean)
    if (!scopes.includes('openid')) throw new OidcError('invalid_scope', 'The scope must include openid.')
    if (!params.code_challenge) throw new OidcError('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.')
    if (params.code_challenge_method !== 'S256') throw new OidcError('invalid_request', 'Only the S256 PKCE method is accepted (code_challenge_method=S256); plain is refused.')
    if (!PKCE_CHALLENGE.test(params.code_challenge)) throw new OidcError('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters).')

    const orgId = await this.chooseOrganization(params)
    const connection = await this.saml.findConnection({ orgId })
    if (!connection) throw new OidcError('access_denied', `Organization ${orgId} has no single sign-on connection; its admin sets one up in Roster first.`)

    const now = this.clock.now()
    const binding = randomSecret()
    const id = `az_${randomBase32(24)}`
    const started = await this.saml.start(connection, resumePath(id), params.login_hint, forceAuthn)
    const pending: PendingAuthorization = {
      id,
      clientId: client.id,
      orgId,
      redirectUri,
      state: params.state ?? null,
      nonce: params.nonce ?? null,
      scope: scopes.filter((s) => ['openid', 'email', 'profile'].includes(s)).join(' '),
      codeChallenge: params.code_challenge,
      samlRequestId: started.requestId,
      bindingHash: sha256Hex(binding),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.settings.requestTtlMs).toISOString(),
      memberId: null,
      authTime: null,
      amr: null,
    }
    await this.store.insertPendingAuthorization(pending)
    return { pendingId: pending.id, binding, samlUrl: started.url, samlRequestId: started.requestId }
  }

  /**
   * The SAML login of a pending request was verified: records who signed in. Refuses a login in another organization
   * (a response from another organization's IdP carrying this RelayState), a response that does not answer this
   * request's AuthnRequest (IdP-initiated, or another request's: someone else's login must not complete it), and a
   * second login for the same request. Returns the resume URL with a ticket: only the browser that posted this login
   * to the ACS holds it, and resume wants it with the starting browser's cookie, so a login completed in someone
   * else's browser (a victim sent the IdP link of a request the attacker started) cannot be resumed by the attacker.
   * On https the SAML layer binds the ACS to the browser already; on http its cookie cannot cross sites, this can.
   */
  async recordLogin(pendingId: string, login: VerifiedLogin, inResponseTo: string | null): Promise<string> {
    const pending = await this.livePending(pendingId)
    if (login.orgId !== pending.orgId) {
      throw new DomainError('forbidden', 'You signed in to a different organization than the application asked for. Start again from the application.')
    }
    if (inResponseTo !== pending.samlRequestId) {
      throw new DomainError('forbidden', 'This sign-in did not come back from the request your application started. Start again from the application.')
    }
    // auth_time is when the IdP authenticated the person (its AuthnInstant; with an IdP session that is earlier than
    // this login), never later than now; a client checking max_age or prompt=login relies on it.
    const now = this.clock.now().toISOString()
    const authTime = login.authnInstant !== null && login.authnInstant < now ? login.authnInstant : now
    const recorded = await this.store.recordPendingLogin(pendingId, { memberId: login.memberId, authTime, amr: amrOf(login.attributes) })
    if (!recorded) throw new DomainError('conflict', 'This sign-in was already completed. Start again from the application.')
    const iat = Math.floor(this.clock.now().getTime() / 1000)
    const ticket = await this.keys.sign(
      { iss: this.settings.issuer, aud: this.settings.issuer, pid: pendingId, iat, exp: iat + Math.ceil(this.settings.requestTtlMs / 1000) },
      RESUME_TICKET_TYP,
    )
    return `${resumePath(pendingId)}?ticket=${ticket}`
  }

  /**
   * The browser that started the request comes back after SAML: consumes the request and issues the code, or sends the
   * client `access_denied` when the member may not get in now.
   */
  async resume(pendingId: string, binding: string | undefined, ticket: string | undefined): Promise<ClientRedirect> {
    const pending = await this.livePending(pendingId)
    if (binding === undefined || !secretMatches(binding, pending.bindingHash)) {
      throw new DomainError('forbidden', 'This sign-in was started in another browser. Start again from the application.')
    }
    if (pending.memberId === null) throw new DomainError('invalid', 'This sign-in has not been completed at your identity provider yet. Start again from the application.')
    if (!(await this.ticketMatches(ticket, pendingId))) {
      throw new DomainError('forbidden', 'This sign-in was completed at the identity provider in another browser. Start again from the application.')
    }
    if (!(await this.store.deletePendingAuthorization(pendingId))) throw new DomainError('conflict', 'This sign-in was already completed. Start again from the application.')
    const access = accessOf(await this.store.findUser(pending.orgId, pending.memberId))
    if (!access.allowed) return this.errorRedirect(pending.redirectUri, pending.state, new OidcError('access_denied', 'The member may not sign in: not an active member of the organization.'))

    const code = `rac_${randomSecret()}`
    const now = this.clock.now()
    await this.store.insertAuthorizationCode({
      codeHash: sha256Hex(code),
      clientId: pending.clientId,
      orgId: pending.orgId,
      memberId: pending.memberId,
      redirectUri: pending.redirectUri,
      nonce: pending.nonce,
      scope: pending.scope,
      codeChallenge: pending.codeChallenge,
      sid: `sid_${randomBase32(24)}`,
      authTime: pending.authTime ?? now.toISOString(),
      amr: pending.amr ?? ['fed'],
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.settings.codeTtlMs).toISOString(),
      usedAt: null,
    })
    return this.redirect(pending.redirectUri, { code, ...(pending.state !== null ? { state: pending.state } : {}) })
  }

  private async chooseOrganization(params: AuthorizeParams): Promise<string> {
    if (params.organization) {
      if (params.organization.length > 64 || !(await this.store.findOrganization(params.organization))) {
        throw new OidcError('invalid_request', `Roster knows no organization ${params.organization.slice(0, 64)} (organization parameter).`)
      }
      return params.organization
    }
    if (params.login_hint) {
      const orgId = await this.domains.orgOfEmail(params.login_hint)
      if (!orgId) throw new OidcError('invalid_request', 'No organization has verified the domain of login_hint; send organization=ORG_ID instead.')
      return orgId
    }
    throw new OidcError('invalid_request', 'Name the organization: organization=ORG_ID, or login_hint with an email address in a domain the organization verified.')
  }

  private async ticketMatches(ticket: string | undefined, pendingId: string): Promise<boolean> {
    if (ticket === undefined || ticket.length > 4000) return false
    try {
      const payload = await this.keys.verify(ticket, { typ: RESUME_TICKET_TYP, issuer: this.settings.issuer, audience: this.settings.issuer })
      return payload.pid === pendingId
    } catch {
      return false
    }
  }

  private async livePending(id: string): Promise<PendingAuthorization> {
    const pending = id.length <= 64 ? await this.store.findPendingAuthorization(id) : undefined
    if (!pending || pending.expiresAt <= this.clock.now().toISOString()) {
      throw new DomainError('not_found', 'This sign-in request has expired or was already used. Start again from the application.')
    }
    return pending
  }

  private redirect(redirectUri: string, params: Record<string, string>): ClientRedirect {
    const url = new URL(redirectUri)
    for (const [name, value] of Object.entries({ ...params, iss: this.settings.issuer })) url.searchParams.set(name, value)
    return { url: url.toString() }
  }
}
