/** The claim (attribute) names Entra ID sends in SAML assertions (field guide §2.2). */
export const ENTRA_CLAIMS = {
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  tenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  identityProvider: 'http://schemas.microsoft.com/identity/claims/identityprovider',
  authnMethods: 'http://schemas.microsoft.com/claims/authnmethodsreferences',
  role: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
} as const

/** Attributes arrive as a string (one value) or an array (several); the first non-empty string, or undefined. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return values.find((v) => typeof v === 'string' && v.trim() !== '')?.trim()
}
