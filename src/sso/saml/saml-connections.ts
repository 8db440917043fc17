import { randomBase32 } from '../../lib/ids.js'
import type { Clock } from '../../lib/clock.js'
import { DomainError } from '../../lib/domain-error.js'
import type { OrgStore } from '../../orgs/store.js'
import { distinctCertificates, normalizeCertificate, summarizeCertificate, type CertificateSummary } from './certificates.js'
import { fetchMetadata, type MetadataFetchOptions } from './fetch-metadata.js'
import { checkedUrl, parseIdpMetadata } from './idp-metadata.js'
import { spValues } from './sp-values.js'
import type { SamlStore } from './store.js'
import type { IdpSettings, SamlConnection, SpValues } from './types.js'

/** Where the IdP's settings come from: exactly one of these. */
export type IdpSource =
  | { metadataXml: string }
  | { metadataUrl: string }
  | { idpEntityId: string; idpSsoUrl: string; idpCertificates: string[] }

export interface ConnectionOptions {
  emailDomains?: string[]
  allowIdpInitiated?: boolean
  jitEnabled?: boolean
  /** Entra's tenant id, when the entity ID does not already say it. */
  tenantId?: string | null
}

/** A connection as an admin sees it: the values to paste into Entra, and what Roster knows of the IdP. */
export interface ConnectionView {
  id: string
  orgId: string
  sp: SpValues
  idp: {
    entityId: string
    signOnUrl: string
    tenantId: string | null
    certificates: CertificateSummary[]
    /** The IdP metadata URL the connection follows (Entra's App Federation Metadata Url), or null. */
    metadataUrl: string | null
    metadataRefreshedAt: string | null
    metadataError: string | null
  }
  emailDomains: string[]
  allowIdpInitiated: boolean
  jitEnabled: boolean
  createdAt: string
  updatedAt: string
}

export interface SamlConnectionsOptions {
  publicUrl: string
  metadata: MetadataFetchOptions
}

const ENTRA_ISSUER = /^https:\/\/sts\.windows\.net\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/$/i
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/**
 * SAML connections of organizations: create from metadata (XML or URL) or by hand, change, refresh, remove, show.
 * The CLI, /api/v1 and the console are thin wrappers over these methods; every call names the organization.
 */
export class SamlConnections {
  constructor(
    private readonly store: SamlStore & Pick<OrgStore, 'findOrganization'>,
    private readonly clock: Clock,
    private readonly options: SamlConnectionsOptions,
  ) {}

  async create(orgId: string, source: IdpSource, settings: ConnectionOptions = {}): Promise<SamlConnection> {
    if ((await this.store.findOrganization(orgId)) === undefined) throw new DomainError('not_found', `No organization with id "${orgId}"`)
    const idp = await this.resolve(source)
    const now = this.clock.now().toISOString()
    const connection: SamlConnection = {
      id: `saml_${randomBase32(24)}`,
      orgId,
      ...idp,
      tenantId: tenantIdOf(idp.idpEntityId, settings.tenantId),
      metadataUrl: 'metadataUrl' in source ? checkedUrl(source.metadataUrl, 'metadata URL') : null,
      metadataRefreshedAt: 'metadataUrl' in source ? now : null,
      metadataError: null,
      emailDomains: normalizeDomains(settings.emailDomains ?? []),
      allowIdpInitiated: settings.allowIdpInitiated ?? true,
      jitEnabled: settings.jitEnabled ?? false,
      createdAt: now,
      updatedAt: now,
    }
    await this.store.insertSamlConnection(connection)
    return connection
  }

  /** Changes the IdP source and/or settings; what is not given stays as it is. */
  async update(orgId: string, id: string, source: IdpSource | undefined, settings: ConnectionOptions = {}): Promise<SamlConnection> {
    const current = await this.get(orgId, id)
    const idp = source === undefined ? undefined : await this.resolve(source)
    const now = this.clock.now().toISOString()
    const next: SamlConnection = {
      ...current,
      ...idp,
      emailDomains: settings.emailDomains === undefined ? current.emailDomains : normalizeDomains(settings.emailDomains),
      allowIdpInitiated: settings.allowIdpInitiated ?? current.allowIdpInitiated,
      jitEnabled: settings.jitEnabled ?? current.jitEnabled,
      updatedAt: now,
    }
    if (source !== undefined) {
      next.metadataUrl = 'metadataUrl' in source ? checkedUrl(source.metadataUrl, 'metadata URL') : null
      next.metadataRefreshedAt = 'metadataUrl' in source ? now : null
      next.metadataError = null
    }
    next.tenantId = tenantIdOf(next.idpEntityId, settings.tenantId === undefined ? (idp ? null : current.tenantId) : settings.tenantId)
    await this.store.updateSamlConnection(next)
    return next
  }

  async get(orgId: string, id: string): Promise<SamlConnection> {
    const connection = await this.store.findSamlConnection(orgId, id)
    if (connection === undefined) throw new DomainError('not_found', `The organization has no SSO connection with id "${id}"`)
    return connection
  }

  async getOfOrg(orgId: string): Promise<SamlConnection> {
    const connection = await this.store.findSamlConnectionOfOrg(orgId)
    if (connection === undefined) throw new DomainError('not_found', `Organization "${orgId}" has no SSO connection; create one first`)
    return connection
  }

  list(orgId?: string): Promise<SamlConnection[]> {
    return this.store.listSamlConnections(orgId)
  }

  async remove(orgId: string, id: string): Promise<void> {
    if (!(await this.store.deleteSamlConnection(orgId, id))) {
      throw new DomainError('not_found', `The organization has no SSO connection with id "${id}"`)
    }
  }

  /**
   * Fetches the connection's metadata URL again and takes its entity ID, sign-on URL and certificates. On failure
   * the connection keeps its last good values and records why, so that a brief outage at the IdP locks nobody out.
   */
  async refreshMetadata(connection: SamlConnection): Promise<SamlConnection> {
    if (connection.metadataUrl === null) return connection
    const now = this.clock.now().toISOString()
    let next: SamlConnection
    try {
      const idp = await this.resolve({ metadataUrl: connection.metadataUrl })
      // An Entra entity ID names its tenant; otherwise the tenant an admin gave stays.
      const tenantId = ENTRA_ISSUER.exec(idp.idpEntityId)?.[1]?.toLowerCase() ?? connection.tenantId
      next = { ...connection, ...idp, tenantId, metadataRefreshedAt: now, metadataError: null }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      next = { ...connection, metadataRefreshedAt: now, metadataError: error.message }
    }
    await this.store.updateSamlConnection({ ...next, updatedAt: now })
    return next
  }

  view(connection: SamlConnection): ConnectionView {
    return {
      id: connection.id,
      orgId: connection.orgId,
      sp: spValues(this.options.publicUrl, connection.id),
      idp: {
        entityId: connection.idpEntityId,
        signOnUrl: connection.idpSsoUrl,
        tenantId: connection.tenantId,
        certificates: connection.idpCertificates.map(summarizeCertificate),
        metadataUrl: connection.metadataUrl,
        metadataRefreshedAt: connection.metadataRefreshedAt,
        metadataError: connection.metadataError,
      },
      emailDomains: connection.emailDomains,
      allowIdpInitiated: connection.allowIdpInitiated,
      jitEnabled: connection.jitEnabled,
      createdAt: connection.createdAt,
      updatedAt: connection.updatedAt,
    }
  }

  private async resolve(source: IdpSource): Promise<IdpSettings> {
    const maxBytes = this.options.metadata.maxBytes
    if ('metadataXml' in source) return parseIdpMetadata(source.metadataXml, maxBytes)
    if ('metadataUrl' in source) return parseIdpMetadata(await fetchMetadata(source.metadataUrl, this.options.metadata), maxBytes)
    const idpEntityId = source.idpEntityId.trim()
    if (idpEntityId === '') throw new DomainError('invalid', 'The IdP entity ID (Entra: Microsoft Entra Identifier) is required')
    if (source.idpCertificates.length === 0) throw new DomainError('invalid', 'At least one IdP signing certificate is required')
    return {
      idpEntityId,
      idpSsoUrl: checkedUrl(source.idpSsoUrl.trim(), 'IdP sign-on URL (Entra: Login URL)'),
      idpCertificates: distinctCertificates(source.idpCertificates.map(normalizeCertificate)),
    }
  }
}

/** Entra's tenant id: given explicitly, or read from an `https://sts.windows.net/{tid}/` entity ID. */
function tenantIdOf(idpEntityId: string, given: string | null | undefined): string | null {
  if (given !== undefined && given !== null && given !== '') {
    if (!GUID.test(given)) throw new DomainError('invalid', `The tenant ID must be a GUID; got "${given}"`)
    return given.toLowerCase()
  }
  return ENTRA_ISSUER.exec(idpEntityId)?.[1]?.toLowerCase() ?? null
}

export function normalizeDomains(domains: string[]): string[] {
  const out: string[] = []
  for (const raw of domains) {
    const domain = raw.trim().replace(/^@/, '').toLowerCase()
    if (!DOMAIN.test(domain)) throw new DomainError('invalid', `"${raw}" is not an email domain (such as example.com)`)
    if (!out.includes(domain)) out.push(domain)
  }
  return out
}
