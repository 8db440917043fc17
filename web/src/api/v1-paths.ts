/**
 * The part of /api/v1 the console uses, written by hand in openapi-typescript's `paths` shape from the contract in
 * issue #7 (resources under /organizations/{orgId}/…, `{data, next}` lists with `limit`/`after`, problem+json errors).
 *
 * SWITCHING TO THE GENERATED TYPES is one step once the server serves /api/v1/openapi.json: `npm run api:types`
 * (scripts/api-types.ts) writes src/api/v1-schema.d.ts from the server's own document; then change the import in
 * v1-client.ts from './v1-paths' to './v1-schema'. TypeScript then flags every page whose assumptions differ.
 */

/** RFC 9457 body of every /api/v1 error. */
export interface ProblemDocument {
  type: string
  title: string
  status: number
  detail?: string
  errors?: { field: string; detail: string }[]
}

export interface Page<T> {
  data: T[]
  next: string | null
}

export type Role = 'ADMIN' | 'SCHEDULER' | 'INTERVIEWER'
export type RoleManagement = 'scim' | 'platform'

export interface Member {
  id: string
  userName: string
  displayName: string | null
  email: string | null
  role: Role
  directoryRole: Role | null
  status: 'active' | 'deactivated'
  source: 'scim' | 'manual'
  createdAt: string
  lastProvisionedAt: string | null
}

export interface ScimToken {
  id: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  active: boolean
}

export interface CreatedScimToken extends ScimToken {
  /** The secret: in this one response only. */
  token: string
}

export interface OrganizationSettings {
  roleManagement: RoleManagement
}

export interface ProvisioningLogEntry {
  id: string
  time: string
  requestId: string
  tokenId: string | null
  client: string | null
  method: string
  path: string
  operation: string
  resourceType: string | null
  resourceId: string | null
  userName: string | null
  status: number
  outcome: 'success' | 'failure'
  scimType: string | null
  detail: string | null
  durationMs: number
  notes: string[]
  changes: { attribute: string; before: unknown; after: unknown }[]
}

export interface ApiKey {
  id: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface Webhook {
  id: string
  url: string
  eventTypes: string[]
  status: string
  createdAt: string
}

export interface WebhookDelivery {
  id: string
  eventId: string
  eventType: string
  status: string
  attempts: number
  lastResponseCode: number | null
  createdAt: string
}

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } }
type Problems = { headers: { [name: string]: unknown }; content: { 'application/problem+json': ProblemDocument } }
type NoContent = { headers: { [name: string]: unknown }; content?: never }
type Params<Path, Query = never> = { query?: Query; header?: never; path: Path; cookie?: never }
type Body<T> = { content: { 'application/json': T } }

type OrgPath = { orgId: string }
type PageQuery = { limit?: number; after?: string }

export interface paths {
  '/organizations/{orgId}/scim-tokens': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath, PageQuery>; requestBody?: never; responses: { 200: Json<Page<ScimToken>>; default: Problems } }
    post: { parameters: Params<OrgPath>; requestBody?: never; responses: { 201: Json<CreatedScimToken>; default: Problems } }
  }
  '/organizations/{orgId}/scim-tokens/{tokenId}': {
    parameters: Params<OrgPath & { tokenId: string }>
    delete: { parameters: Params<OrgPath & { tokenId: string }>; requestBody?: never; responses: { 204: NoContent; default: Problems } }
  }
  '/organizations/{orgId}/members': {
    parameters: Params<OrgPath>
    get: {
      parameters: Params<OrgPath, PageQuery & { q?: string; status?: string; role?: string; source?: string }>
      requestBody?: never
      responses: { 200: Json<Page<Member>>; default: Problems }
    }
  }
  '/organizations/{orgId}/members/{memberId}': {
    parameters: Params<OrgPath & { memberId: string }>
    patch: { parameters: Params<OrgPath & { memberId: string }>; requestBody: Body<{ role: Role }>; responses: { 200: Json<Member>; default: Problems } }
  }
  '/organizations/{orgId}/settings': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath>; requestBody?: never; responses: { 200: Json<OrganizationSettings>; default: Problems } }
    patch: {
      parameters: Params<OrgPath>
      requestBody: Body<Partial<OrganizationSettings>>
      responses: { 200: Json<OrganizationSettings>; default: Problems }
    }
  }
  '/organizations/{orgId}/provisioning-log': {
    parameters: Params<OrgPath>
    get: {
      parameters: Params<OrgPath, PageQuery & { outcome?: 'success' | 'failure'; operation?: string; q?: string; since?: string; until?: string }>
      requestBody?: never
      responses: { 200: Json<Page<ProvisioningLogEntry>>; default: Problems }
    }
  }
  '/organizations/{orgId}/api-keys': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath, PageQuery>; requestBody?: never; responses: { 200: Json<Page<ApiKey>>; default: Problems } }
  }
  '/organizations/{orgId}/webhooks': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath, PageQuery>; requestBody?: never; responses: { 200: Json<Page<Webhook>>; default: Problems } }
  }
  '/organizations/{orgId}/webhooks/{webhookId}/deliveries': {
    parameters: Params<OrgPath & { webhookId: string }>
    get: {
      parameters: Params<OrgPath & { webhookId: string }, PageQuery>
      requestBody?: never
      responses: { 200: Json<Page<WebhookDelivery>>; default: Problems }
    }
  }
}
