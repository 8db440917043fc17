import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Members } from '../../directory/members.js'
import { setupDiagnostics, type MemberRoleCounts } from '../../provisioning/setup-diagnostics.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { Diagnostic, LogEntry, LogOperationName, LogOutcomeName, LogSummary } from './log-schemas.js'
import { DEFAULT_LIMIT, Page, PageQuery } from './paging.js'
import { OrgParams, problemResponses } from './schemas.js'

const LogQuery = Type.Object({
  ...PageQuery.properties,
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive lower bound (ISO-8601)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive upper bound (ISO-8601)' })),
  outcome: Type.Optional(LogOutcomeName),
  operation: Type.Optional(LogOperationName),
  resource: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'A resource id, or a userName / group displayName (exact, any case)' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text in userName, id, path, detail, client or notes' })),
})

/** Members the role checks look at: the newest are not needed, a bounded sample of the provisioned ones is enough. */
const ROLE_SCAN_PAGES = 2
const ROLE_SCAN_PAGE = 1000

/** The provisioning log (every SCIM request, newest first), its overview and the diagnostics computed from it. */
export function registerProvisioningLogRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Provisioning log']

  app.get('/organizations/:orgId/provisioning-log', {
    schema: { tags, summary: 'SCIM requests, newest first, filtered', params: OrgParams, querystring: LogQuery, response: { 200: Page(LogEntry), ...problemResponses(404) } },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const { limit = DEFAULT_LIMIT, after, q, ...filters } = request.query
    const page = await services.provisioningLog.queryLog(orgId, { ...filters, ...(q === undefined ? {} : { text: q }) }, { limit, after: after ?? null })
    return { data: page.entries, next: page.next }
  })

  app.get('/organizations/:orgId/provisioning-log/summary', {
    schema: { tags, summary: 'Last request, counts over 24 h and 7 days, requests per hour and per day', params: OrgParams, response: { 200: LogSummary, ...problemResponses(404) } },
  }, async (request) => {
    await requireOrg(services, request, request.params.orgId)
    return services.provisioningLog.summary(request.params.orgId)
  })

  app.get('/organizations/:orgId/diagnostics', {
    schema: {
      tags,
      summary: "What is wrong with the organization's provisioning setup, computed from the log on each call",
      params: OrgParams,
      response: { 200: Type.Object({ data: Type.Array(Diagnostic) }), ...problemResponses(404) },
    },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const roles = await roleCounts(services.members, orgId)
    return { data: await setupDiagnostics(services.provisioningLog, services.clock, orgId, roles) }
  })
}

/** Provisioned members and those the identity provider never gave a role, over at most 2,000 members (bounded). */
async function roleCounts(members: Members, orgId: string): Promise<MemberRoleCounts> {
  const counts: MemberRoleCounts = { scimMembers: 0, withoutDirectoryRole: 0 }
  let after: string | undefined
  for (let page = 0; page < ROLE_SCAN_PAGES; page++) {
    const result = await members.listMembers(orgId, { source: 'scim', limit: ROLE_SCAN_PAGE, ...(after === undefined ? {} : { after }) })
    counts.scimMembers += result.items.length
    counts.withoutDirectoryRole += result.items.filter((m) => m.directoryRole === null).length
    if (result.next === null) break
    after = result.next
  }
  return counts
}
