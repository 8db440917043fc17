import { Type } from 'typebox'
import type { OidcClientView } from '../../oidc/oidc-clients.js'
import { verificationNames } from '../../oidc/org-domains.js'
import type { OrgDomain as OrgDomainRecord } from '../../oidc/types.js'
import { NullableTimestamp, Timestamp } from './schemas.js'

export const OidcClient = Type.Object(
  {
    object: Type.Literal('oidc_client'),
    id: Type.String({ description: 'The OAuth client_id (rpc_…)' }),
    name: Type.String(),
    redirectUris: Type.Array(Type.String(), { description: 'Exact redirect URIs (compared character for character)' }),
    backchannelLogoutUri: Type.Union([Type.String(), Type.Null()], { description: 'Where Roster POSTs back-channel logout tokens' }),
    createdAt: Timestamp,
  },
  { title: 'OidcClient' },
)

export const IssuedOidcClient = Type.Object(
  { ...OidcClient.properties, clientSecret: Type.String({ description: 'Shown in this response only; Roster keeps its SHA-256' }) },
  { title: 'IssuedOidcClient' },
)

export const NewOidcClient = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    redirectUris: Type.Array(Type.String({ maxLength: 2000 }), { minItems: 1, maxItems: 20, description: 'https (http only on loopback), no fragment' }),
    backchannelLogoutUri: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
)

export const OrgDomain = Type.Object(
  {
    object: Type.Literal('organization_domain'),
    id: Type.String(),
    organization: Type.String(),
    domain: Type.String(),
    verified: Type.Boolean(),
    verifiedAt: NullableTimestamp,
    verificationValue: Type.String({ description: 'Publish this as a DNS TXT record at one of txtRecordNames, then verify' }),
    txtRecordNames: Type.Array(Type.String()),
    createdAt: Timestamp,
  },
  { title: 'OrganizationDomain' },
)

export const NewOrgDomain = Type.Object({ domain: Type.String({ minLength: 1, maxLength: 253 }) }, { additionalProperties: false })

export const oidcClientJson = (client: OidcClientView) => ({
  object: 'oidc_client' as const,
  id: client.id,
  name: client.name,
  redirectUris: client.redirectUris,
  backchannelLogoutUri: client.backchannelLogoutUri,
  createdAt: client.createdAt,
})

export const orgDomainJson = (domain: OrgDomainRecord) => ({
  object: 'organization_domain' as const,
  id: domain.id,
  organization: domain.orgId,
  domain: domain.domain,
  verified: domain.verifiedAt !== null,
  verifiedAt: domain.verifiedAt,
  verificationValue: domain.verificationValue,
  txtRecordNames: verificationNames(domain.domain),
  createdAt: domain.createdAt,
})
