import { randomBytes } from 'node:crypto'
import { SAML, ValidateInResponseTo, type CacheProvider, type SamlConfig } from '@node-saml/node-saml'
import type { SamlStore } from './store.js'
import type { SamlConnection, SpValues } from './types.js'

export interface StrictSamlOptions {
  /** Accepted clock difference with the IdP (field guide rule 7: 60–300 s; node-saml's default 0 breaks logins). */
  clockSkewMs: number
  /** How long an AuthnRequest id stays acceptable as InResponseTo. */
  requestTtlMs: number
}

/** An AuthnRequest id as node-saml makes them: `_` + hex (Entra refuses ids that start with a digit). */
export const newRequestId = (): string => `_${randomBytes(20).toString('hex')}`

/**
 * node-saml configured strictly for one connection, per the field guide's ten rules:
 * - signature required on the assertion or on the response (both flags off = "at least one valid signature", which
 *   node-saml enforces: an unsigned assertion in an unsigned response is "Invalid signature"), verified only with
 *   `certificates` (the connection's own, currently valid ones; a certificate in KeyInfo is never trusted);
 * - audience = our entity ID (never `false`); `issuer` = our entity ID (Entra's Identifier, rule 3);
 * - no RequestedAuthnContext (rule 5: it breaks MFA and passwordless sign-ins);
 * - NameIDPolicy `unspecified`, so the admin's NameID choice in Entra applies;
 * - bounded clock skew; InResponseTo checked whenever present against ids kept in the database (IdP-initiated
 *   logins have none; the application decides whether to accept those and keeps the replay cache);
 * - SHA-256 for anything node-saml signs or digests.
 */
export function strictSaml(
  connection: SamlConnection,
  sp: SpValues,
  certificates: string[],
  store: SamlStore,
  options: StrictSamlOptions,
  requestId: string = newRequestId(),
  forceAuthn = false,
): SAML {
  const config: SamlConfig = {
    issuer: sp.entityId,
    audience: sp.entityId,
    callbackUrl: sp.acsUrl,
    entryPoint: connection.idpSsoUrl,
    idpCert: certificates,
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    disableRequestedAuthnContext: true,
    identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    acceptedClockSkewMs: options.clockSkewMs,
    maxAssertionAgeMs: 0,
    validateInResponseTo: ValidateInResponseTo.ifPresent,
    requestIdExpirationPeriodMs: options.requestTtlMs,
    cacheProvider: requestIdCache(connection.id, store, options.requestTtlMs),
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    // Known before the request is built, so the start can bind it to the browser (saml-sign-in.ts).
    generateUniqueId: () => requestId,
    // ForceAuthn="true" in the AuthnRequest: the IdP authenticates again instead of reusing its session.
    forceAuthn,
  }
  return new SAML(config)
}

/**
 * node-saml's request-id cache, in the database: a login started on one instance may finish on another. Keys are
 * scoped to the connection, so a request id of one organization is no good at another's ACS.
 */
function requestIdCache(connectionId: string, store: SamlStore, ttlMs: number): CacheProvider {
  return {
    async saveAsync(key, value) {
      const createdAt = new Date(value)
      const created = Number.isNaN(createdAt.getTime()) ? new Date() : createdAt
      await store.saveSamlRequest(connectionId, key, created.toISOString(), new Date(created.getTime() + ttlMs).toISOString())
      return { value, createdAt: created.getTime() }
    },
    async getAsync(key) {
      return (await store.findSamlRequest(connectionId, key, new Date().toISOString())) ?? null
    },
    async removeAsync(key) {
      if (key === null) return null
      await store.deleteSamlRequest(connectionId, key)
      return key
    },
  }
}
