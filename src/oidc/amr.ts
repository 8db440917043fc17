/** Entra's authentication-method claim in SAML assertions. */
export const ENTRA_AUTHN_METHODS_CLAIM = 'http://schemas.microsoft.com/claims/authnmethodsreferences'

/**
 * The ID token's `amr` (RFC 8176 values) from what the IdP said in the assertion: Entra names methods by URI
 * (…/authenticationmethod/password, …/claims/multipleauthn, …/authenticationmethod/x509, …/windows). A method Roster
 * cannot map is left out; when nothing maps, `amr` is ["fed"] (federated: the IdP authenticated the person and did not
 * say how; not an RFC 8176 value, chosen so that a relying party never reads a guess as a method).
 */
export function amrOf(attributes: Record<string, string | string[]>): string[] {
  const raw = attributes[ENTRA_AUTHN_METHODS_CLAIM]
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  const amr = new Set<string>()
  for (const value of values) {
    const v = value.toLowerCase()
    if (v.endsWith('/password')) amr.add('pwd')
    else if (v.endsWith('/multipleauthn')) amr.add('mfa')
    else if (v.endsWith('/x509') || v.endsWith('/smartcard')) amr.add('sc')
    else if (v.endsWith('/windows') || v.endsWith('/kerberos')) amr.add('wia')
  }
  return amr.size ? [...amr] : ['fed']
}
