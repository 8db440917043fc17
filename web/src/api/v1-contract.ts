/**
 * The wave-2 routes of /api/v1 (members, settings PATCH and preview, provisioning log and summary, diagnostics,
 * organization API keys), written by hand in openapi-typescript's `paths` shape from /work/issues/wave2-contract.md,
 * for as long as the server's OpenAPI document does not describe them. Everything the server already serves comes
 * from the generated `v1-schema.d.ts` (`npm run api:types`); v1-client.ts lets a path here win only where the
 * generated document lacks it. Delete a path from here once `npm run api:types` generates it.
 */

/** RFC 9457 body of every /api/v1 error. */
export interface ProblemDocument {
  type: string
  title: string
  status: number
  detail: string
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
  source: 'scim' | 'manual' | 'sso'
  createdAt: string
  updatedAt: string
  lastProvisionedAt: string | null
}

export interface Settings {
  roleManagement: RoleManagement
}

export interface RoleManagementPreview {
  from: RoleManagement
  to: RoleManagement
  membersChanged: number
}

export type LogOperation = 'create' | 'update' | 'deactivate' | 'reactivate' | 'delete' | 'group_membership'

/** As src/provisioning/types.ts ProvisioningLogEntry. */
export interface ProvisioningLogEntry {
  id: string
  time: string
  requestId: string
  tokenId: string | null
  client: string | null
  method: string
  path: string
  resourceType: string | null
  resourceId: string | null
  userName: string | null
  status: number
  outcome: 'success' | 'failure'
  scimType: string | null
  detail: string | null
  durationMs: number
  operation: LogOperation | null
  notes: string[]
  changes: { attribute: string; before: unknown; after: unknown }[]
  membership: { added: string[]; removed: string[]; addedCount: number; removedCount: number; removedAll: boolean } | null
}

export interface OperationCounts {
  create: number
  update: number
  deactivate: number
  reactivate: number
  delete: number
  group_membership: number
  failures: number
  requests: number
}

export interface RequestBucket {
  bucket: string
  success: number
  failure: number
}

/** As src/provisioning/types.ts LogSummary. */
export interface LogSummary {
  lastRequestAt: string | null
  last24h: OperationCounts
  last7d: OperationCounts
  hourly: RequestBucket[]
  daily: RequestBucket[]
}

export interface Diagnostic {
  code: string
  severity: 'warning' | 'error' | 'info'
  title: string
  detail: string
  action: string
  since?: string | null
}

export interface ApiKey {
  id: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } }
type Problems = { headers: { [name: string]: unknown }; content: { 'application/problem+json': ProblemDocument } }
type NoContent = { headers: { [name: string]: unknown }; content?: never }
type Params<Path, Query = never> = { query?: Query; header?: never; path: Path; cookie?: never }
type Body<T> = { content: { 'application/json': T } }

type OrgPath = { orgId: string }
type PageQuery = { limit?: number; after?: string }
type MemberPath = OrgPath & { memberId: string }
export type LogQuery = PageQuery & {
  since?: string
  until?: string
  outcome?: 'success' | 'failure'
  operation?: LogOperation
  resource?: string
  q?: string
}

export interface paths {
  '/organizations/{orgId}/members': {
    parameters: Params<OrgPath>
    get: {
      parameters: Params<OrgPath, PageQuery & { q?: string; status?: Member['status']; role?: Role; source?: Member['source'] }>
      requestBody?: never
      responses: { 200: Json<Page<Member>>; default: Problems }
    }
  }
  '/organizations/{orgId}/members/{memberId}': {
    parameters: Params<MemberPath>
    get: { parameters: Params<MemberPath>; requestBody?: never; responses: { 200: Json<Member>; default: Problems } }
    patch: { parameters: Params<MemberPath>; requestBody: Body<{ role: Role }>; responses: { 200: Json<Member>; default: Problems } }
  }
  '/organizations/{orgId}/settings': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath>; requestBody?: never; responses: { 200: Json<Settings>; default: Problems } }
    patch: {
      parameters: Params<OrgPath>
      requestBody: Body<{ roleManagement: RoleManagement }>
      responses: { 200: Json<Settings & { membersChanged: number }>; default: Problems }
    }
  }
  '/organizations/{orgId}/settings/role-management-preview': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath, { to: RoleManagement }>; requestBody?: never; responses: { 200: Json<RoleManagementPreview>; default: Problems } }
  }
  '/organizations/{orgId}/provisioning-log': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath, LogQuery>; requestBody?: never; responses: { 200: Json<Page<ProvisioningLogEntry>>; default: Problems } }
  }
  '/organizations/{orgId}/provisioning-log/summary': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath>; requestBody?: never; responses: { 200: Json<LogSummary>; default: Problems } }
  }
  '/organizations/{orgId}/diagnostics': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath>; requestBody?: never; responses: { 200: Json<{ data: Diagnostic[] }>; default: Problems } }
  }
  '/organizations/{orgId}/api-keys': {
    parameters: Params<OrgPath>
    get: { parameters: Params<OrgPath, PageQuery>; requestBody?: never; responses: { 200: Json<Page<ApiKey>>; default: Problems } }
    post: { parameters: Params<OrgPath>; requestBody?: never; responses: { 201: Json<{ id: string; key: string }>; default: Problems } }
  }
  '/organizations/{orgId}/api-keys/{keyId}': {
    parameters: Params<OrgPath & { keyId: string }>
    delete: { parameters: Params<OrgPath & { keyId: string }>; requestBody?: never; responses: { 204: NoContent; default: Problems } }
  }
}
