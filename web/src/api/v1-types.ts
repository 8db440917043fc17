import type { paths } from './v1-schema'

/**
 * The console's names for /api/v1's shapes, all taken from the generated `v1-schema.d.ts` (`npm run api:types`), so a
 * route's change shows up in the typechecker on every page that relies on it.
 */
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never
/** The JSON body of a 200/201 answer of `method` on `path`. */
export type Body<P extends keyof paths, M extends 'get' | 'post' | 'patch', S extends 200 | 201 = 200> =
  paths[P][M] extends { responses: infer R } ? (S extends keyof R ? JsonOf<R[S]> : never) : never
/** The query of `method` on `path`. */
export type QueryOf<P extends keyof paths, M extends 'get'> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never

export type ScimToken = Body<'/organizations/{orgId}/scim-tokens', 'get'>['data'][number]
export type CreatedScimToken = Body<'/organizations/{orgId}/scim-tokens', 'post', 201>
export type WebhookEndpoint = Body<'/organizations/{orgId}/webhooks', 'get'>['data'][number]
export type WebhookDelivery = Body<'/organizations/{orgId}/webhooks/{webhookId}/deliveries', 'get'>['data'][number]
export type Member = Body<'/organizations/{orgId}/members', 'get'>['data'][number]
export type Role = Member['role']
export type RoleManagement = Body<'/organizations/{orgId}/settings', 'get'>['roleManagement']
export type ProvisioningLogEntry = Body<'/organizations/{orgId}/provisioning-log', 'get'>['data'][number]
export type LogQuery = QueryOf<'/organizations/{orgId}/provisioning-log', 'get'>
export type LogOperation = NonNullable<LogQuery['operation']>
export type LogSummary = Body<'/organizations/{orgId}/provisioning-log/summary', 'get'>
export type OperationCounts = LogSummary['last24h']
export type RequestBucket = LogSummary['hourly'][number]
export type Diagnostic = Body<'/organizations/{orgId}/diagnostics', 'get'>['data'][number]
