import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { memberResource } from '../../directory/member-resource.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { AccessDecision, Member, MemberParams, MemberSourceName, MemberStatusName, RoleName } from './member-schemas.js'
import { DEFAULT_LIMIT, Page, PageQuery } from './paging.js'
import { actorOf } from './principal-actor.js'
import { OrgParams, problemResponses } from './schemas.js'

const MemberQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(MemberStatusName),
  role: Type.Optional(RoleName),
  source: Type.Optional(MemberSourceName),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive text in userName, name or email' })),
})

const NewMember = Type.Object(
  {
    userName: Type.String({ minLength: 1, maxLength: 300, description: 'The sign-in name, e.g. ada@example.com' }),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 300 })),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    role: Type.Optional(RoleName),
  },
  { additionalProperties: false },
)

/** Members: list with filters, get, add by hand, change a role (the role-management rule decides), the access check. */
export function registerMemberRoutes(base: FastifyInstance, services: ApiServices): void {
  const app = typed(base)
  const tags = ['Members']

  app.get('/organizations/:orgId/members', {
    schema: { tags, summary: "List an organization's members (filters combine with AND)", params: OrgParams, querystring: MemberQuery, response: { 200: Page(Member), ...problemResponses(404) } },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const { limit = DEFAULT_LIMIT, after, status, role, source, q } = request.query
    const page = await services.members.listMembers(orgId, {
      limit,
      ...(after === undefined ? {} : { after }),
      ...(status === undefined ? {} : { status }),
      ...(role === undefined ? {} : { role }),
      ...(source === undefined ? {} : { source }),
      ...(q === undefined ? {} : { query: q }),
    })
    return { data: page.items.map(memberResource), next: page.next }
  })

  app.get('/organizations/:orgId/members/:memberId', {
    schema: { tags, summary: 'Get a member', params: MemberParams, response: { 200: Member, ...problemResponses(404) } },
  }, async (request) => {
    const { orgId, memberId } = request.params
    await requireOrg(services, request, orgId)
    return memberResource(await services.members.getMember(orgId, memberId))
  })

  app.post('/organizations/:orgId/members', {
    schema: {
      tags,
      summary: 'Add a member by hand (source manual; the first SCIM write to the same userName takes it over)',
      params: OrgParams,
      body: NewMember,
      response: { 201: Member, ...problemResponses(404, 409) },
    },
  }, async (request, reply) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const added = await services.members.addMember(orgId, request.body, actorOf(request))
    return reply.code(201).send(memberResource(added))
  })

  app.patch('/organizations/:orgId/members/:memberId', {
    schema: {
      tags,
      summary: "Change a member's role (platform role management only; 409 role-managed-by-identity-provider in scim mode)",
      params: MemberParams,
      body: Type.Object({ role: RoleName }, { additionalProperties: false }),
      response: { 200: Member, ...problemResponses(404, 409) },
    },
  }, async (request) => {
    const { orgId, memberId } = request.params
    await requireOrg(services, request, orgId)
    return memberResource(await services.members.changeMemberRole(orgId, memberId, request.body.role, actorOf(request)))
  })

  app.get('/organizations/:orgId/members/:memberId/access', {
    schema: {
      tags,
      summary: 'May this member get in now? (read on every call, never cached)',
      params: MemberParams,
      response: { 200: AccessDecision, ...problemResponses(404) },
    },
  }, async (request) => {
    const { orgId, memberId } = request.params
    await requireOrg(services, request, orgId)
    const decision = await services.members.mayAccess(orgId, memberId)
    return decision.allowed ? { allowed: true, reason: null, detail: null } : { allowed: false, reason: decision.reason, detail: decision.detail }
  })
}
