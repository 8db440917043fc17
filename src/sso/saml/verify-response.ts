import { SamlStatusError, type Profile } from '@node-saml/node-saml'
import { DomainError } from '../../lib/domain-error.js'
import { certificatesValidAt } from './certificates.js'
import { ENTRA_CLAIMS, firstValue } from './entra-claims.js'
import { strictSaml, type StrictSamlOptions } from './node-saml-config.js'
import { parseUntrustedXml } from './safe-xml.js'
import { spValues } from './sp-values.js'
import { SsoRefusal } from './sso-refusal.js'
import type { SamlStore } from './store.js'
import type { SamlConnection } from './types.js'

/** A response node-saml verified and Roster checked: the identity, not yet matched to a member. */
export interface VerifiedAssertion {
  nameId: string
  /** The NameID's Format (Entra: emailAddress, unspecified, persistent or transient), or null when absent. */
  nameIdFormat: string | null
  sessionIndex: string | null
  /** When the IdP authenticated the person (AuthnStatement/@AuthnInstant, ISO), or null when absent or unreadable. */
  authnInstant: string | null
  attributes: Record<string, string | string[]>
  /** The AuthnRequest it answers (SP-initiated), or null (IdP-initiated). */
  inResponseTo: string | null
}

export interface VerifyOptions extends StrictSamlOptions {
  publicUrl: string
  /** Largest decoded SAMLResponse accepted. */
  maxResponseBytes: number
  now: () => Date
}

const DSIG = 'http://www.w3.org/2000/09/xmldsig#'
const STRONG_SIGNATURES: readonly string[] = ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512']
const STRONG_DIGESTS: readonly string[] = ['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']

type XmlJs = { $?: Record<string, string>; _?: string; [child: string]: unknown }

/**
 * Verifies a SAMLResponse posted to a connection's ACS. node-saml does the XML signature, time, audience and
 * InResponseTo work (configured in node-saml-config.ts); this function adds what the field guide says the library
 * leaves to the application:
 *  - no DOCTYPE (XXE), bounded size, one well-formed Response root;
 *  - SHA-256 or SHA-512 signatures and digests only (no SHA-1);
 *  - only the connection's certificates that are valid now;
 *  - Destination (on the Response) and Recipient (in the signed assertion) = this connection's ACS;
 *  - the signed assertion's Issuer = the connection's IdP entity ID, and Entra's `tenantid` claim = its tenant;
 *  - an InResponseTo in the signed SubjectConfirmationData needs the same on the Response (so it was checked);
 *  - IdP-initiated logins only where the connection allows them;
 *  - each assertion id consumed once per connection, in the database (replay cache across instances).
 * Identity is read only from node-saml's profile of the signed XML, never from the raw POST.
 */
export async function verifySamlResponse(connection: SamlConnection, samlResponse: unknown, store: SamlStore, options: VerifyOptions): Promise<VerifiedAssertion> {
  const sp = spValues(options.publicUrl, connection.id)
  const xml = decode(samlResponse, options.maxResponseBytes)
  let root: Element
  try {
    root = parseUntrustedXml(xml, 'SAML response', options.maxResponseBytes).documentElement
  } catch (error) {
    const doctype = error instanceof DomainError && error.message.includes('DOCTYPE')
    throw new SsoRefusal(doctype ? 'xml_doctype' : 'malformed_response', error instanceof Error ? error.message : String(error))
  }
  if (root.localName !== 'Response' || root.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:protocol') {
    throw new SsoRefusal('malformed_response', `the posted message is a ${root.localName}, not a SAML Response`)
  }
  // Read only to refuse: when Entra signs only the assertion, the Response's attributes are unsigned.
  const destination = root.getAttribute('Destination')
  if (destination !== sp.acsUrl) {
    throw new SsoRefusal('wrong_destination', `Destination is "${destination ?? '(none)'}", not this connection's ACS ${sp.acsUrl}`)
  }

  // xml-crypto verifies RSA-SHA1 too; Entra signs with SHA-256 unless an admin picked SHA-1, which Roster refuses.
  for (const [name, allowed] of [['SignatureMethod', STRONG_SIGNATURES], ['DigestMethod', STRONG_DIGESTS]] as const) {
    for (const method of Array.from(root.getElementsByTagNameNS(DSIG, name) as unknown as ArrayLike<Element>)) {
      const algorithm = method.getAttribute('Algorithm') ?? ''
      if (!allowed.includes(algorithm)) {
        throw new SsoRefusal('weak_signature_algorithm', `the response is signed with ${algorithm || '(no algorithm)'}; set Entra's Signing Algorithm to SHA-256`)
      }
    }
  }

  const certificates = certificatesValidAt(connection.idpCertificates, options.now())
  if (certificates.length === 0) {
    throw new SsoRefusal('no_valid_certificate', "none of the connection's IdP signing certificates is valid now (expired?); add Entra's current certificate")
  }

  let profile: Profile
  try {
    const result = await strictSaml(connection, sp, certificates, store, options).validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') })
    if (result.profile === null) throw new Error('the message is not a login response')
    profile = result.profile
  } catch (error) {
    throw libraryRefusal(error)
  }

  const nameId = typeof profile.nameID === 'string' ? profile.nameID : ''
  const refuse = (reason: ConstructorParameters<typeof SsoRefusal>[0], detail: string) => new SsoRefusal(reason, detail, { nameId: nameId || undefined })
  if (profile.issuer !== connection.idpEntityId) {
    throw refuse('wrong_issuer', `the assertion's Issuer is "${profile.issuer ?? '(none)'}", not the connection's IdP "${connection.idpEntityId}"`)
  }
  const attributes = textAttributes(profile.attributes)
  if (connection.tenantId !== null) {
    const tenant = firstValue(attributes[ENTRA_CLAIMS.tenantId])
    if (tenant?.toLowerCase() !== connection.tenantId) {
      throw refuse('wrong_tenant', `the tenantid claim is "${tenant ?? '(none)'}", not the connection's tenant ${connection.tenantId}`)
    }
  }

  const assertion = (profile.getAssertion?.() as { Assertion?: XmlJs } | undefined)?.Assertion
  if (assertion === undefined) throw refuse('malformed_response', 'node-saml returned no assertion')
  const confirmations = children(children(assertion, 'Subject')[0], 'SubjectConfirmation').map((c) => children(c, 'SubjectConfirmationData')[0]?.$ ?? {})
  if (confirmations.length === 0 || confirmations.some((data) => data.Recipient !== sp.acsUrl)) {
    const seen = confirmations.map((data) => data.Recipient ?? '(none)').join(', ') || '(none)'
    throw refuse('wrong_recipient', `SubjectConfirmationData Recipient is ${seen}, not this connection's ACS ${sp.acsUrl}`)
  }
  // node-saml only looks for one time-valid SubjectConfirmation when it checks InResponseTo, so an IdP-initiated
  // assertion whose bearer confirmation had expired got through: each must carry NotOnOrAfter (SAML profiles §4.1.4.2)
  // and be within it, and within its NotBefore if it has one, with the same bounded skew.
  const nowMs = options.now().getTime()
  for (const data of confirmations) {
    const notOnOrAfter = data.NotOnOrAfter === undefined ? NaN : Date.parse(data.NotOnOrAfter)
    const notBefore = data.NotBefore === undefined ? -Infinity : Date.parse(data.NotBefore)
    if (Number.isNaN(notOnOrAfter) || Number.isNaN(notBefore)) {
      throw refuse('malformed_response', 'a SubjectConfirmationData has no valid NotOnOrAfter (or an unreadable NotBefore)')
    }
    if (nowMs - options.clockSkewMs >= notOnOrAfter || nowMs + options.clockSkewMs < notBefore) {
      throw refuse('expired', `the SubjectConfirmationData is valid from ${data.NotBefore ?? '(any time)'} until ${data.NotOnOrAfter}, not now`)
    }
  }
  const inResponseTo = typeof profile.inResponseTo === 'string' ? profile.inResponseTo : null
  const signedInResponseTo = confirmations.map((data) => data.InResponseTo).find((value) => value !== undefined)
  if (signedInResponseTo !== undefined && signedInResponseTo !== inResponseTo) {
    throw refuse('unknown_request', `the signed assertion answers request ${signedInResponseTo}, but the Response does not name it`)
  }
  if (inResponseTo === null && !connection.allowIdpInitiated) {
    throw refuse('unsolicited', 'an IdP-initiated login arrived, and the connection accepts only logins started at Roster')
  }
  if (nameId === '') throw refuse('malformed_response', 'the assertion has no NameID')

  const assertionId = assertion.$?.ID
  if (!assertionId) throw refuse('malformed_response', 'the assertion has no ID')
  if (!(await store.consumeAssertionId(connection.id, assertionId, replayWindowEnd(assertion, options)))) {
    throw refuse('replayed_assertion', `assertion ${assertionId} was already used to sign in`)
  }
  return {
    nameId,
    nameIdFormat: typeof profile.nameIDFormat === 'string' && profile.nameIDFormat !== '' ? profile.nameIDFormat : null,
    sessionIndex: typeof profile.sessionIndex === 'string' ? profile.sessionIndex : null,
    authnInstant: authnInstantOf(assertion),
    attributes,
    inResponseTo,
  }
}

function decode(samlResponse: unknown, maxBytes: number): string {
  if (typeof samlResponse !== 'string' || samlResponse.trim() === '') {
    throw new SsoRefusal('malformed_response', 'the POST has no SAMLResponse field')
  }
  const compact = samlResponse.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+=*$/.test(compact) || compact.length * 0.75 > maxBytes) {
    throw new SsoRefusal('malformed_response', 'SAMLResponse is not Base64 or is too large')
  }
  return Buffer.from(compact, 'base64').toString('utf8')
}

/** The library's refusals, sorted into Roster's reasons (its messages are stable within a major version). */
function libraryRefusal(error: unknown): SsoRefusal {
  if (error instanceof SsoRefusal) return error
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof SamlStatusError) return new SsoRefusal('idp_error', message, { cause: error })
  const reason =
    /InResponseTo/i.test(message) ? 'unknown_request'
    : /expired|not yet valid/i.test(message) ? 'expired'
    : /audience/i.test(message) ? 'wrong_audience'
    : /signature/i.test(message) ? 'invalid_signature'
    : 'malformed_response'
  return new SsoRefusal(reason, `node-saml: ${message}`, { cause: error })
}

/** Keep a consumed id until the assertion could no longer be accepted anyway (latest NotOnOrAfter + skew). */
function replayWindowEnd(assertion: XmlJs, options: VerifyOptions): string {
  const times = [children(assertion, 'Conditions')[0]?.$?.NotOnOrAfter]
  for (const confirmation of children(children(assertion, 'Subject')[0], 'SubjectConfirmation')) {
    times.push(children(confirmation, 'SubjectConfirmationData')[0]?.$?.NotOnOrAfter)
  }
  const latest = Math.max(...times.map((t) => (t ? Date.parse(t) : NaN)).filter((t) => !Number.isNaN(t)))
  const fallback = options.now().getTime() + 24 * 3600_000
  return new Date((Number.isFinite(latest) ? latest : fallback) + options.clockSkewMs).toISOString()
}

/** The signed assertion's AuthnStatement/@AuthnInstant: an IdP with a session of its own authenticated earlier. */
function authnInstantOf(assertion: XmlJs): string | null {
  const text = children(assertion, 'AuthnStatement')[0]?.$?.AuthnInstant
  const time = text === undefined ? NaN : Date.parse(text)
  return Number.isNaN(time) ? null : new Date(time).toISOString()
}

const children = (node: XmlJs | undefined, name: string): XmlJs[] => {
  const value = node?.[name]
  return Array.isArray(value) ? (value as XmlJs[]) : []
}

/**
 * The assertion's attributes as text: one value stays a string, several become an array (as Entra sends them,
 * field guide rule 9); values with child elements (no Entra claim has them) and empty values are dropped.
 */
function textAttributes(raw: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  if (typeof raw !== 'object' || raw === null) return out
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const texts = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')
    if (texts.length === 0) continue
    out[name] = Array.isArray(value) ? texts : texts[0]!
  }
  return out
}
