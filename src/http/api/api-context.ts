import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { GroupDirectory } from '../../directory/groups.js'
import type { Members } from '../../directory/members.js'
import type { RoleManagementSettings } from '../../directory/roles/role-management-settings.js'
import type { Clock } from '../../lib/clock.js'
import type { ApiKeys } from '../../orgs/api-keys.js'
import type { ProvisioningLog } from '../../provisioning/provisioning-log.js'
import type { EventFeed } from '../../events/feed.js'
import type { Webhooks } from '../../events/webhooks/webhooks.js'
import type { Organizations } from '../../orgs/organizations.js'
import type { ScimTokens } from '../../orgs/scim-tokens.js'
import type { SamlConnections } from '../../sso/saml/saml-connections.js'
import type { Organization } from '../../orgs/types.js'
import type { OidcClients } from '../../oidc/oidc-clients.js'
import type { OrgDomains } from '../../oidc/org-domains.js'
import { assertOrgAccess, organizationNotFound } from './principal.js'

/** The services the API's routes call; built by app.ts. */
export interface ApiServices {
  organizations: Organizations
  scimTokens: ScimTokens
  groups: GroupDirectory
  events: EventFeed
  webhooks: Webhooks
  members: Members
  roleSettings: RoleManagementSettings
  provisioningLog: ProvisioningLog
  apiKeys: ApiKeys
  clock: Clock
  samlConnections: SamlConnections
  oidcClients: OidcClients
  orgDomains: OrgDomains
}

export type TypedApi = ReturnType<typeof typed>
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>()

/** Tenancy first, then existence: a route under /organizations/{orgId} starts here. */
export async function requireOrg(services: ApiServices, request: FastifyRequest, orgId: string): Promise<Organization> {
  assertOrgAccess(request, orgId)
  const org = await services.organizations.find(orgId)
  if (!org) throw organizationNotFound(orgId)
  return org
}
