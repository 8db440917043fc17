import { DomainError } from '../../lib/domain-error.js'
import { distinctCertificates, normalizeCertificate } from './certificates.js'
import { parseUntrustedXml } from './safe-xml.js'
import type { IdpSettings } from './types.js'

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS = 'http://www.w3.org/2000/09/xmldsig#'
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'

const children = (parent: Element, ns: string, name: string): Element[] =>
  Array.from(parent.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<Element>)

/**
 * Reads an IdP's SAML metadata (Entra's Federation Metadata XML or App Federation Metadata Url): the entity ID, the
 * HTTP-Redirect sign-on URL, and every signing certificate of the IDPSSODescriptor (Entra lists the active and the
 * rolled-over ones; all are accepted, each only while valid).
 */
export function parseIdpMetadata(xml: string, maxBytes: number): IdpSettings {
  const document = parseUntrustedXml(xml, 'IdP metadata', maxBytes)
  const root = document.documentElement
  const descriptors = root.localName === 'EntityDescriptor' && root.namespaceURI === MD ? [root] : children(root, MD, 'EntityDescriptor')
  for (const entity of descriptors) {
    const idp = children(entity, MD, 'IDPSSODescriptor')[0]
    if (idp === undefined) continue
    const idpEntityId = entity.getAttribute('entityID')?.trim() ?? ''
    if (idpEntityId === '') throw new DomainError('invalid', 'The IdP metadata has no entityID')
    const redirect = children(idp, MD, 'SingleSignOnService').find((service) => service.getAttribute('Binding') === REDIRECT)
    const idpSsoUrl = redirect?.getAttribute('Location')?.trim() ?? ''
    if (idpSsoUrl === '') throw new DomainError('invalid', 'The IdP metadata has no SingleSignOnService with the HTTP-Redirect binding')
    const signing = children(idp, MD, 'KeyDescriptor').filter((key) => (key.getAttribute('use') ?? 'signing') === 'signing')
    const certificates = signing.flatMap((key) => children(key, DS, 'X509Certificate').map((node) => normalizeCertificate(node.textContent ?? '')))
    if (certificates.length === 0) throw new DomainError('invalid', 'The IdP metadata lists no signing certificate')
    return { idpEntityId, idpSsoUrl: checkedUrl(idpSsoUrl, 'sign-on URL'), idpCertificates: distinctCertificates(certificates) }
  }
  throw new DomainError('invalid', 'The document is not SAML IdP metadata (no EntityDescriptor with an IDPSSODescriptor)')
}

/** An absolute https URL (http only for loopback, for local IdPs and tests). */
export function checkedUrl(text: string, what: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new DomainError('invalid', `The ${what} "${text}" is not an absolute URL`)
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new DomainError('invalid', `The ${what} must be an https URL; got "${text}"`)
  }
  return url.toString()
}
