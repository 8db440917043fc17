import { DOMParser } from '@xmldom/xmldom'
import { DomainError } from '../../lib/domain-error.js'

/**
 * Parses untrusted XML (IdP metadata) into a DOM. A document type declaration is refused outright: nothing SAML
 * needs one, and refusing it rules out XXE and entity expansion whatever the parser would do (xmldom ignores
 * external entities but accepts DOCTYPE; field guide §4). Size is capped before parsing.
 */
export function parseUntrustedXml(xml: string, what: string, maxBytes: number): Document {
  if (Buffer.byteLength(xml, 'utf8') > maxBytes) throw new DomainError('invalid', `The ${what} is larger than ${maxBytes} bytes`)
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new DomainError('invalid', `The ${what} contains a document type declaration (<!DOCTYPE>), which Roster refuses`)
  }
  const problems: string[] = []
  const record = (message: string) => problems.push(message.split('\n')[0]!)
  const document = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(
    xml,
    'text/xml',
  )
  if (problems.length > 0 || !document?.documentElement) {
    throw new DomainError('invalid', `The ${what} is not well-formed XML${problems[0] ? `: ${problems[0]}` : ''}`)
  }
  return document as unknown as Document
}
