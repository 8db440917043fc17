import { Type } from 'typebox'
import { PROBLEM_KINDS } from './problem.js'

/** Shared TypeBox schemas of /api/v1: each is the validation, the TypeScript type and the OpenAPI component at once. */

export const Id = (prefix: string, description: string) => Type.String({ pattern: `^${prefix}_[0-9a-z]+$`, maxLength: 64, description })

export const Timestamp = Type.String({ format: 'date-time' })
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()])

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'Stable URI of the error kind, e.g. urn:roster:problem:not-found' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What went wrong and what to do, for a person' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), detail: Type.String() }), { description: 'Invalid fields, e.g. body.name' })),
  },
  { title: 'Problem', description: `RFC 9457 problem details. Kinds: ${Object.keys(PROBLEM_KINDS).join(', ')}` },
)

/** The problem responses every authenticated route can give (403: a platform-only route, or a console request failing CSRF), for the OpenAPI document. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    [...new Set([400, 401, 403, ...statuses, 500, 503])].map((status) => [status, { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: Problem } } }]),
  )

export const OrgParams = Type.Object({ orgId: Type.String({ maxLength: 64, description: 'Organization id (org_…)' }) })

export const Organization = Type.Object(
  { object: Type.Literal('organization'), id: Type.String(), name: Type.String(), createdAt: Timestamp },
  { title: 'Organization' },
)

export const Group = Type.Object(
  {
    object: Type.Literal('group'),
    id: Type.String(),
    organization: Type.String(),
    displayName: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Group' },
)

export const GroupMember = Type.Object(
  { object: Type.Literal('group_member'), memberId: Type.String(), display: Type.Union([Type.String(), Type.Null()]) },
  { title: 'GroupMember' },
)

export const ScimToken = Type.Object(
  { object: Type.Literal('scim_token'), id: Type.String(), active: Type.Boolean(), createdAt: Timestamp, lastUsedAt: NullableTimestamp, revokedAt: NullableTimestamp },
  { title: 'ScimToken' },
)

export const Event = Type.Object(
  {
    object: Type.Literal('event'),
    id: Type.String({ description: 'evt_…; the same in the feed and in webhook-id' }),
    type: Type.String({ description: 'e.g. group.members_added' }),
    organization: Type.String(),
    sequence: Type.Integer({ description: 'Per organization: 1, 2, 3… in commit order, without gaps' }),
    time: Timestamp,
    data: Type.Unknown({ description: 'The resource as it is after the change' }),
  },
  { title: 'Event' },
)

export const WebhookEndpoint = Type.Object(
  {
    object: Type.Literal('webhook_endpoint'),
    id: Type.String(),
    organization: Type.Union([Type.String(), Type.Null()], { description: 'null: a platform endpoint (every organization)' }),
    url: Type.String(),
    eventTypes: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: every event type' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('failing')], { description: 'failing: a delivery ran out of attempts; replay it to resume' }),
    nextAttemptAt: NullableTimestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'WebhookEndpoint' },
)

export const WebhookDelivery = Type.Object(
  {
    object: Type.Literal('webhook_delivery'),
    id: Type.String(),
    endpoint: Type.String(),
    event: Type.String({ description: 'The event id (also the webhook-id header)' }),
    eventType: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
    replay: Type.Boolean(),
    attempts: Type.Integer(),
    lastResponseCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    nextAttemptAt: NullableTimestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'WebhookDelivery' },
)
