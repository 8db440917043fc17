import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Organization } from '../../orgs/types.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { RoleManagementName, RoleManagementPreview, Settings, SettingsChange } from './member-schemas.js'
import { actorOf } from './principal-actor.js'
import { OrgParams, problemResponses } from './schemas.js'

const settingsJson = (org: Organization, roleManagement: 'scim' | 'platform') =>
  ({ object: 'organization_settings' as const, organization: org.id, id: org.id, name: org.name, roleManagement })

/** Organization settings → Members → Role management: read, preview a switch, switch (with its events). */
export function registerSettingsRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Settings']

  app.get('/organizations/:orgId/settings', {
    schema: { tags, summary: "An organization's settings", params: OrgParams, response: { 200: Settings, ...problemResponses(404) } },
  }, async (request) => {
    const org = await requireOrg(services, request, request.params.orgId)
    return settingsJson(org, await services.roleSettings.get(org.id))
  })

  app.patch('/organizations/:orgId/settings', {
    schema: {
      tags,
      summary: 'Switch role management; platform → scim gives every member with a directory role that role, in the same transaction',
      params: OrgParams,
      body: Type.Object({ roleManagement: RoleManagementName }, { additionalProperties: false }),
      response: { 200: SettingsChange, ...problemResponses(404) },
    },
  }, async (request) => {
    const org = await requireOrg(services, request, request.params.orgId)
    const switched = await services.roleSettings.set(org.id, request.body.roleManagement, actorOf(request))
    return { ...settingsJson(org, switched.to), membersChanged: switched.membersChanged }
  })

  app.get('/organizations/:orgId/settings/role-management-preview', {
    schema: {
      tags,
      summary: 'What switching role management would change now (nothing is written); `to` defaults to the other mode',
      params: OrgParams,
      querystring: Type.Object({ to: Type.Optional(RoleManagementName) }),
      response: { 200: RoleManagementPreview, ...problemResponses(404) },
    },
  }, async (request) => {
    const org = await requireOrg(services, request, request.params.orgId)
    const to = request.query.to ?? (org.roleManagement === 'scim' ? 'platform' : 'scim')
    return services.roleSettings.preview(org.id, to)
  })
}
