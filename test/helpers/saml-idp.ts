import { randomBytes, randomUUID } from 'node:crypto'
import { inflateRawSync } from 'node:zlib'
import { generate } from 'selfsigned'
import { SignedXml } from 'xml-crypto'

/**
 * A real signing identity provider for tests, shaped like Microsoft Entra ID (field guide §2.1–2.2): an RSA key and
 * a self-signed X.509 certificate generated at test time, Responses built as Entra sends them and signed with
 * xml-crypto (assertion only by default, as Entra does; response, both or none on request).
 */
export interface SigningKey {
  key: string
  cert: string
}

export async function generateSigningKey(options: { notBeforeDate?: Date; notAfterDate?: Date; cn?: string } = {}): Promise<SigningKey> {
  const pems = await generate([{ name: 'commonName', value: options.cn ?? 'Microsoft Azure Federated SSO Certificate' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: options.notBeforeDate ?? new Date(Date.now() - 3600_000),
    notAfterDate: options.notAfterDate ?? new Date(Date.now() + 3 * 365 * 86400_000),
  })
  return { key: pems.private, cert: pems.cert }
}

export interface TestIdp {
  tenantId: string
  entityId: string
  ssoUrl: string
  signing: SigningKey
}

export async function createTestIdp(): Promise<TestIdp> {
  const tenantId = randomUUID()
  return {
    tenantId,
    entityId: `https://sts.windows.net/${tenantId}/`,
    ssoUrl: `https://login.microsoftonline.com/${tenantId}/saml2`,
    signing: await generateSigningKey(),
  }
}

/** Entra's Federation Metadata XML for the app, listing `certs` as signing certificates. */
export function entraMetadataXml(idp: TestIdp, certs: string[] = [idp.signing.cert]): string {
  const keys = certs
    .map((cert) => `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${bareBase64(cert)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`)
    .join('')
  return `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_${randomUUID()}" entityID="${idp.entityId}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${keys}</RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${idp.ssoUrl}"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${idp.ssoUrl}"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${idp.ssoUrl}"/></IDPSSODescriptor></EntityDescriptor>`
}

export const bareBase64 = (pem: string): string => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')

export const CLAIM = {
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
} as const

export interface ResponseOptions {
  /** Our SP values. */
  acsUrl: string
  audience: string
  nameId: string
  inResponseTo?: string
  attributes?: Record<string, string | string[]>
  /** Overrides, for negative cases. */
  issuer?: string
  destination?: string | null
  recipient?: string
  notBefore?: Date
  notOnOrAfter?: Date
  assertionId?: string
  statusCode?: string
  statusMessage?: string
  /** What is signed: 'assertion' (Entra's default), 'response', 'both' or 'none'. */
  sign?: 'assertion' | 'response' | 'both' | 'none'
  /** Sign with this key instead of the IdP's (its certificate goes into KeyInfo, as an attacker would put it). */
  signWith?: SigningKey
  /** Entra's other Signing Algorithm option. */
  algorithm?: 'sha256' | 'sha1'
  /** The NameID's Format (default emailAddress); Entra may send persistent, transient or unspecified. */
  nameIdFormat?: string
  /** SubjectConfirmationData's own NotOnOrAfter, when it should differ from the Conditions' one. */
  confirmationNotOnOrAfter?: Date
  /** AuthnStatement/@AuthnInstant (default: now), e.g. earlier for a person the IdP's session already knew. */
  authnInstant?: Date
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const newSamlId = (): string => `_${randomBytes(16).toString('hex')}`

/** The signed Response XML, as Entra posts it (before Base64). */
export function entraResponseXml(idp: TestIdp, options: ResponseOptions): string {
  const now = new Date()
  const issueInstant = now.toISOString()
  const notBefore = (options.notBefore ?? new Date(now.getTime() - 5 * 60_000)).toISOString()
  const notOnOrAfter = (options.notOnOrAfter ?? new Date(now.getTime() + 70 * 60_000)).toISOString()
  const issuer = options.issuer ?? idp.entityId
  const assertionId = options.assertionId ?? newSamlId()
  const inResponseTo = options.inResponseTo === undefined ? '' : ` InResponseTo="${escape(options.inResponseTo)}"`
  const destination = options.destination === null ? '' : ` Destination="${escape(options.destination ?? options.acsUrl)}"`
  const attributes = {
    [CLAIM.tenantId]: idp.tenantId,
    [CLAIM.identityProvider]: idp.entityId,
    [CLAIM.authnMethods]: 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
    ...options.attributes,
  }
  const attributeXml = Object.entries(attributes)
    .map(([name, value]) => `<Attribute Name="${escape(name)}">${(Array.isArray(value) ? value : [value]).map((v) => `<AttributeValue>${escape(v)}</AttributeValue>`).join('')}</Attribute>`)
    .join('')
  const status = options.statusCode ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'
  const statusMessage = options.statusMessage ? `<samlp:StatusMessage>${escape(options.statusMessage)}</samlp:StatusMessage>` : ''
  const assertion =
    status.endsWith(':Success')
      ? `<Assertion ID="${assertionId}" IssueInstant="${issueInstant}" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><Issuer>${escape(issuer)}</Issuer><Subject><NameID Format="${escape(options.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress')}">${escape(options.nameId)}</NameID><SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData${inResponseTo} NotOnOrAfter="${options.confirmationNotOnOrAfter?.toISOString() ?? notOnOrAfter}" Recipient="${escape(options.recipient ?? options.acsUrl)}"/></SubjectConfirmation></Subject><Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><AudienceRestriction><Audience>${escape(options.audience)}</Audience></AudienceRestriction></Conditions><AttributeStatement>${attributeXml}</AttributeStatement><AuthnStatement AuthnInstant="${options.authnInstant?.toISOString() ?? issueInstant}" SessionIndex="${assertionId}"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion>`
      : ''
  let xml = `<samlp:Response ID="${newSamlId()}" Version="2.0" IssueInstant="${issueInstant}"${destination}${inResponseTo} xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${escape(issuer)}</Issuer><samlp:Status><samlp:StatusCode Value="${status}"/>${statusMessage}</samlp:Status>${assertion}</samlp:Response>`
  const sign = options.sign ?? 'assertion'
  const key = options.signWith ?? idp.signing
  const algorithm = options.algorithm ?? 'sha256'
  if (assertion !== '' && (sign === 'assertion' || sign === 'both')) xml = signElement(xml, key, 'Assertion', algorithm)
  if (sign === 'response' || sign === 'both') xml = signElement(xml, key, 'Response', algorithm)
  return xml
}

/** Base64 of the signed Response: the SAMLResponse form field. */
export const entraResponse = (idp: TestIdp, options: ResponseOptions): string => toBase64(entraResponseXml(idp, options))

export const toBase64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64')

/** Enveloped, exclusive-c14n, RSA-SHA256 signature placed after the element's Issuer (where Entra puts it). */
export function signElement(xml: string, key: SigningKey, element: 'Assertion' | 'Response', algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  const sha1 = algorithm === 'sha1'
  const target = element === 'Response' ? "/*[local-name(.)='Response']" : "/*[local-name(.)='Response']/*[local-name(.)='Assertion']"
  const signer = new SignedXml({
    privateKey: key.key,
    publicCert: key.cert,
    signatureAlgorithm: sha1 ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  })
  signer.addReference({
    xpath: target,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: sha1 ? 'http://www.w3.org/2000/09/xmldsig#sha1' : 'http://www.w3.org/2001/04/xmlenc#sha256',
  })
  signer.computeSignature(xml, { location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } })
  return signer.getSignedXml()
}

/** Reads the AuthnRequest out of a HTTP-Redirect URL Roster sent the browser to. */
export function authnRequestOf(location: string): { xml: string; id: string; relayState: string | null; url: URL } {
  const url = new URL(location)
  const encoded = url.searchParams.get('SAMLRequest')
  if (encoded === null) throw new Error(`no SAMLRequest in ${location}`)
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')
  const id = /\sID="([^"]+)"/.exec(xml)?.[1]
  if (id === undefined) throw new Error('AuthnRequest without ID')
  return { xml, id, relayState: url.searchParams.get('RelayState'), url }
}
