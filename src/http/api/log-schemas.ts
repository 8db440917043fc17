import { Type } from 'typebox'
import { Timestamp } from './schemas.js'

/** TypeBox schemas of the provisioning log's API (the shapes of src/provisioning/types.ts). */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
export const LogOperationName = Type.Union([
  Type.Literal('create'), Type.Literal('update'), Type.Literal('deactivate'), Type.Literal('reactivate'), Type.Literal('delete'), Type.Literal('group_membership'),
])
export const LogOutcomeName = Type.Union([Type.Literal('success'), Type.Literal('failure')])

export const LogEntry = Type.Object(
  {
    id: Type.String({ description: 'log_…' }),
    orgId: Type.String(),
    time: Timestamp,
    requestId: Type.String(),
    tokenId: Nullable(Type.String()),
    client: Nullable(Type.String()),
    method: Type.String(),
    path: Type.String(),
    resourceType: Nullable(Type.Union([Type.Literal('User'), Type.Literal('Group')])),
    resourceId: Nullable(Type.String()),
    userName: Nullable(Type.String()),
    status: Type.Integer(),
    outcome: LogOutcomeName,
    scimType: Nullable(Type.String()),
    detail: Nullable(Type.String()),
    durationMs: Type.Number(),
    operation: Nullable(LogOperationName),
    notes: Type.Array(Type.String()),
    changes: Type.Array(Type.Object({ attribute: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
    membership: Nullable(Type.Object({
      added: Type.Array(Type.String()),
      removed: Type.Array(Type.String()),
      addedCount: Type.Integer(),
      removedCount: Type.Integer(),
      removedAll: Type.Boolean(),
    })),
  },
  { title: 'ProvisioningLogEntry' },
)

const OperationCounts = Type.Object({
  create: Type.Integer(), update: Type.Integer(), deactivate: Type.Integer(), reactivate: Type.Integer(), delete: Type.Integer(),
  group_membership: Type.Integer(), failures: Type.Integer(), requests: Type.Integer(),
})
const RequestBucket = Type.Object({ bucket: Type.String(), success: Type.Integer(), failure: Type.Integer() })

export const LogSummary = Type.Object(
  {
    lastRequestAt: Nullable(Timestamp),
    last24h: OperationCounts,
    last7d: OperationCounts,
    hourly: Type.Array(RequestBucket, { description: 'YYYY-MM-DDTHH (UTC) over the last 24 hours, oldest first; empty hours left out' }),
    daily: Type.Array(RequestBucket, { description: 'YYYY-MM-DD (UTC) over the last 7 days, oldest first; empty days left out' }),
  },
  { title: 'ProvisioningLogSummary' },
)

export const Diagnostic = Type.Object(
  {
    code: Type.String({ description: 'Stable: unauthorized, repeated-bad-requests, no-recent-requests, no-requests-yet, default-role-on-every-user, roles-only-on-updates, users-without-role' }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]),
    title: Type.String(),
    detail: Type.String(),
    action: Type.String({ description: 'What to do about it, for a person' }),
    since: Type.Optional(Timestamp),
  },
  { title: 'Diagnostic' },
)
