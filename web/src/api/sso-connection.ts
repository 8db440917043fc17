/**
 * The organization's SAML connection through /api/v1 (/organizations/{orgId}/sso/saml). Plain fetch in the shape
 * useApi/resultOf take, so the hand-written v1-paths.ts (shared with other pages) needs no edit; the generated
 * types (npm run api:types) will cover these routes too.
 */
export interface CertificateSummary {
  subject: string
  notBefore: string
  notAfter: string
  fingerprintSha256: string
}

export interface SpValues {
  entityId: string
  acsUrl: string
  signOnUrl: string
  metadataUrl: string
}

export interface SamlConnection {
  id: string
  organization: string
  sp: SpValues
  idp: {
    entityId: string
    signOnUrl: string
    tenantId: string | null
    certificates: CertificateSummary[]
    metadataUrl: string | null
    metadataRefreshedAt: string | null
    metadataError: string | null
  }
  emailDomains: string[]
  allowIdpInitiated: boolean
  jitEnabled: boolean
  updatedAt: string
}

export type ConnectionInput = Partial<{
  metadataUrl: string
  metadataXml: string
  idpEntityId: string
  idpSsoUrl: string
  idpCertificates: string[]
  emailDomains: string[]
  allowIdpInitiated: boolean
  jitEnabled: boolean
}>

type Outcome<T> = { data?: T; error?: unknown; response: Response }

async function call<T>(method: string, orgId: string, suffix: string, csrfToken: string, body?: unknown): Promise<Outcome<T>> {
  const response = await fetch(`/api/v1/organizations/${encodeURIComponent(orgId)}/sso/saml${suffix}`, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (response.status === 204) return { data: undefined as T, response }
  const json = (await response.json().catch(() => undefined)) as unknown
  return response.ok ? { data: json as T, response } : { error: json, response }
}

export const ssoConnection = {
  get: (orgId: string, csrf: string) => call<SamlConnection>('GET', orgId, '', csrf),
  put: (orgId: string, csrf: string, input: ConnectionInput) => call<SamlConnection>('PUT', orgId, '', csrf, input),
  refresh: (orgId: string, csrf: string) => call<SamlConnection>('POST', orgId, '/refresh', csrf),
  remove: (orgId: string, csrf: string) => call<null>('DELETE', orgId, '', csrf),
}
