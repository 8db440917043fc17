import { X509Certificate } from 'node:crypto'
import { DomainError } from '../../lib/domain-error.js'

/** What an admin sees of an IdP signing certificate (the console and `sso connection show`). */
export interface CertificateSummary {
  subject: string
  notBefore: string
  notAfter: string
  /** SHA-256 fingerprint, colon-separated hex, as Entra and openssl print it. */
  fingerprintSha256: string
}

/**
 * One certificate in canonical PEM. Accepts PEM (Entra's "Certificate (Base64)" download) or the bare base64 of a
 * metadata document's `X509Certificate`; refuses anything node's X.509 parser does not read.
 */
export function normalizeCertificate(text: string): string {
  const base64 = text
    .replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
  if (base64 === '' || !/^[A-Za-z0-9+/]+=*$/.test(base64)) {
    throw new DomainError('invalid', 'The signing certificate is not a Base64 (PEM) X.509 certificate')
  }
  try {
    new X509Certificate(Buffer.from(base64, 'base64'))
  } catch {
    throw new DomainError('invalid', 'The signing certificate could not be read as an X.509 certificate')
  }
  const lines = base64.match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

export function summarizeCertificate(pem: string): CertificateSummary {
  const certificate = new X509Certificate(pem)
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    fingerprintSha256: certificate.fingerprint256,
  }
}

/**
 * The certificates valid at `now`. Entra keeps an expired certificate listed beside its successor; node-saml would
 * accept a signature by either, so expiry is checked here (field guide §1.2: "Validate expiry yourself").
 */
export function certificatesValidAt(pems: string[], now: Date): string[] {
  return pems.filter((pem) => {
    const certificate = new X509Certificate(pem)
    return new Date(certificate.validFrom) <= now && now < new Date(certificate.validTo)
  })
}

/** Distinct certificates, by DER bytes, in their first order. */
export function distinctCertificates(pems: string[]): string[] {
  const seen = new Set<string>()
  return pems.filter((pem) => {
    const key = new X509Certificate(pem).fingerprint256
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
