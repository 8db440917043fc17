import { Type } from 'typebox'
import { NullableTimestamp, Timestamp } from './schemas.js'

/** TypeBox schemas of members, settings and API keys (wave-2 contract: /work/issues/wave2-contract.md). */

export const RoleName = Type.Union([Type.Literal('ADMIN'), Type.Literal('SCHEDULER'), Type.Literal('INTERVIEWER')], { description: 'ADMIN, SCHEDULER or INTERVIEWER' })
export const MemberStatusName = Type.Union([Type.Literal('active'), Type.Literal('deactivated')])
export const MemberSourceName = Type.Union([Type.Literal('scim'), Type.Literal('manual'), Type.Literal('sso')])
export const RoleManagementName = Type.Union([Type.Literal('scim'), Type.Literal('platform')], { description: "Who decides members' roles: the identity provider (scim) or admins in Roster (platform)" })

export const Member = Type.Object(
  {
    object: Type.Literal('member'),
    id: Type.String({ description: 'usr_…, the same id SCIM uses' }),
    organization: Type.String(),
    userName: Type.String(),
    displayName: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    role: RoleName,
    directoryRole: Type.Union([RoleName, Type.Null()], { description: 'The last role the identity provider sent' }),
    status: MemberStatusName,
    source: MemberSourceName,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lastProvisionedAt: NullableTimestamp,
  },
  { title: 'Member' },
)

export const MemberParams = Type.Object({
  orgId: Type.String({ maxLength: 64, description: 'Organization id (org_…)' }),
  memberId: Type.String({ maxLength: 64, description: 'Member id (usr_…)' }),
})

export const AccessDecision = Type.Object(
  {
    allowed: Type.Boolean(),
    reason: Type.Union([Type.Null(), Type.Literal('not_found'), Type.Literal('deactivated')], { description: 'Stable; null when allowed' }),
    detail: Type.Union([Type.String(), Type.Null()], { description: 'A sentence for logs and people; null when allowed' }),
  },
  { title: 'AccessDecision' },
)

export const Settings = Type.Object(
  {
    object: Type.Literal('organization_settings'),
    organization: Type.String(),
    id: Type.String({ description: 'The organization id' }),
    name: Type.String({ description: 'The organization name' }),
    roleManagement: RoleManagementName,
  },
  { title: 'OrganizationSettings' },
)

export const SettingsChange = Type.Object(
  {
    ...Settings.properties,
    membersChanged: Type.Integer({ description: 'Members whose role the switch changed (platform → scim: they got their directory role)' }),
  },
  { title: 'OrganizationSettingsChange' },
)

export const RoleManagementPreview = Type.Object(
  { from: RoleManagementName, to: RoleManagementName, membersChanged: Type.Integer() },
  { title: 'RoleManagementPreview' },
)

export const ApiKey = Type.Object(
  { object: Type.Literal('api_key'), id: Type.String(), createdAt: Timestamp, lastUsedAt: NullableTimestamp, revokedAt: NullableTimestamp },
  { title: 'ApiKey' },
)

export const IssuedApiKey = Type.Object(
  { object: Type.Literal('api_key'), id: Type.String(), key: Type.String({ description: 'rostk_…; shown in this response only' }), createdAt: Timestamp },
  { title: 'IssuedApiKey' },
)
