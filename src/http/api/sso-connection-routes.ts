import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { IdpSource, SamlConnections } from '../../sso/saml/saml-connections.js'
import { ApiProblem } from './problem.js'
import { requireOrg, typed, type ApiServices } from './api-context.js'
import { NullableTimestamp, OrgParams, problemResponses, Timestamp } from './schemas.js'

const JIT_DESCRIPTION =
  'Just-in-time creation: a person no member matches is created at their first sign-in (source sso, role INTERVIEWER, active); SCIM takes such a member over when it provisions the same userName. Never re-creates a person the directory deleted (while the provisioning log retention keeps the deletion). Off by default.'

const SpValues = Type.Object(
  {
    object: Type.Literal('saml_sp_values'),
    entityId: Type.String({ description: "Entra Basic SAML Configuration: Identifier (Entity ID); also the assertions' Audience" }),
    acsUrl: Type.String({ description: 'Entra: Reply URL (Assertion Consumer Service URL)' }),
    signOnUrl: Type.String({ description: 'Entra: Sign on URL (starts an SP-initiated login)' }),
    metadataUrl: Type.String({ description: "Roster's SP metadata for this connection" }),
  },
  { title: 'SamlSpValues' },
)

const Certificate = Type.Object(
  { subject: Type.String(), notBefore: Timestamp, notAfter: Timestamp, fingerprintSha256: Type.String() },
  { title: 'SamlCertificate' },
)

const SamlConnection = Type.Object(
  {
    object: Type.Literal('saml_connection'),
    id: Type.String({ description: 'saml_…' }),
    organization: Type.String(),
    sp: SpValues,
    idp: Type.Object({
      entityId: Type.String({ description: 'Entra: Microsoft Entra Identifier' }),
      signOnUrl: Type.String({ description: 'Entra: Login URL' }),
      tenantId: Type.Union([Type.String(), Type.Null()]),
      certificates: Type.Array(Certificate, { description: 'Any one of these may sign (several during certificate rollover)' }),
      metadataUrl: Type.Union([Type.String(), Type.Null()], { description: 'Entra: App Federation Metadata Url, refreshed in the background' }),
      metadataRefreshedAt: NullableTimestamp,
      metadataError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last refresh failed; the last good values stay in use' }),
    }),
    emailDomains: Type.Array(Type.String()),
    allowIdpInitiated: Type.Boolean(),
    jitEnabled: Type.Boolean({ description: JIT_DESCRIPTION }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'SamlConnection' },
)

const PutBody = Type.Object(
  {
    metadataXml: Type.Optional(Type.String({ minLength: 1, maxLength: 1_048_576, description: "The IdP's metadata document (Entra: Federation Metadata XML)" })),
    metadataUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Entra: App Federation Metadata Url (https)' })),
    idpEntityId: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'By hand: Entra\'s Microsoft Entra Identifier' })),
    idpSsoUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: "By hand: Entra's Login URL" })),
    idpCertificates: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20_000 }), { minItems: 1, maxItems: 5, description: 'By hand: PEM signing certificates' })),
    emailDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 50 })),
    allowIdpInitiated: Type.Optional(Type.Boolean()),
    jitEnabled: Type.Optional(Type.Boolean({ description: JIT_DESCRIPTION })),
    tenantId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
)

type Body = Static<typeof PutBody>

/** Exactly one of: metadataXml, metadataUrl, or idpEntityId + idpSsoUrl + idpCertificates; or none (settings only). */
function sourceOf(body: Body): IdpSource | undefined {
  const byHand = body.idpEntityId !== undefined || body.idpSsoUrl !== undefined || body.idpCertificates !== undefined
  const given = [body.metadataXml !== undefined, body.metadataUrl !== undefined, byHand].filter(Boolean).length
  if (given > 1) throw new ApiProblem('invalid-request', 'Give the IdP once: metadataXml, or metadataUrl, or idpEntityId with idpSsoUrl and idpCertificates.')
  if (body.metadataXml !== undefined) return { metadataXml: body.metadataXml }
  if (body.metadataUrl !== undefined) return { metadataUrl: body.metadataUrl }
  if (!byHand) return undefined
  if (body.idpEntityId === undefined || body.idpSsoUrl === undefined || body.idpCertificates === undefined) {
    throw new ApiProblem('invalid-request', 'By hand, the IdP needs all three: idpEntityId, idpSsoUrl and idpCertificates.')
  }
  return { idpEntityId: body.idpEntityId, idpSsoUrl: body.idpSsoUrl, idpCertificates: body.idpCertificates }
}

/**
 * The organization's SAML connection (one per organization), under /organizations/{orgId}/sso/saml: thin wrappers over
 * SamlConnections, the same methods the CLI calls. PUT creates or changes it; what a PUT does not name stays.
 */
export function registerSsoConnectionRoutes(base: FastifyInstance, services: ApiServices & { samlConnections: SamlConnections }): void {
  const app = typed(base)
  const connections = services.samlConnections
  const tags = ['Single sign-on']
  const path = '/organizations/:orgId/sso/saml'
  const json = (connection: Parameters<SamlConnections['view']>[0]) => {
    const { orgId, sp, ...view } = connections.view(connection)
    return { object: 'saml_connection' as const, ...view, organization: orgId, sp: { object: 'saml_sp_values' as const, ...sp } }
  }
  const existing = async (orgId: string) => (await connections.list(orgId))[0]

  app.get(path, {
    schema: { tags, summary: "The organization's SAML connection", params: OrgParams, response: { 200: SamlConnection, ...problemResponses(404) } },
  }, async (request) => {
    await requireOrg(services, request, request.params.orgId)
    return json(await connections.getOfOrg(request.params.orgId))
  })

  app.put(path, {
    schema: {
      tags,
      summary: 'Create or change the SAML connection: IdP metadata XML, metadata URL, or entity ID + sign-on URL + certificates; email domains; JIT; IdP-initiated logins',
      params: OrgParams,
      body: PutBody,
      response: { 200: SamlConnection, 201: SamlConnection, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const { emailDomains, allowIdpInitiated, jitEnabled, tenantId } = request.body
    const settings = { emailDomains, allowIdpInitiated, jitEnabled, tenantId }
    const source = sourceOf(request.body)
    const current = await existing(orgId)
    if (current !== undefined) return json(await connections.update(orgId, current.id, source, settings))
    if (source === undefined) {
      throw new ApiProblem('invalid-request', 'The organization has no SAML connection yet: give the IdP (metadataXml, metadataUrl, or idpEntityId with idpSsoUrl and idpCertificates).')
    }
    return reply.code(201).send(json(await connections.create(orgId, source, settings)))
  })

  app.delete(path, {
    schema: { tags, summary: 'Remove the SAML connection (members can no longer sign in with SSO)', params: OrgParams, response: { 204: Type.Null(), ...problemResponses(404) } },
  }, async (request, reply) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const connection = await connections.getOfOrg(orgId)
    await connections.remove(orgId, connection.id)
    return reply.code(204).send(null)
  })

  app.post(`${path}/refresh`, {
    schema: {
      tags,
      summary: "Fetch the IdP's metadata URL now; a failure keeps the last good values and is reported in idp.metadataError",
      params: OrgParams,
      response: { 200: SamlConnection, ...problemResponses(404, 409) },
    },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    const connection = await connections.getOfOrg(orgId)
    if (connection.metadataUrl === null) {
      throw new ApiProblem('conflict', 'This connection was set up from metadata XML or by hand: there is no metadata URL to refresh. PUT a metadataUrl to follow one.')
    }
    return json(await connections.refreshMetadata(connection))
  })

  app.get(`${path}/sp`, {
    schema: {
      tags,
      summary: "The values to paste into Entra's Basic SAML Configuration, and Roster's SP metadata URL",
      params: OrgParams,
      response: { 200: SpValues, ...problemResponses(404) },
    },
  }, async (request) => {
    const { orgId } = request.params
    await requireOrg(services, request, orgId)
    return { object: 'saml_sp_values' as const, ...connections.view(await connections.getOfOrg(orgId)).sp }
  })
}
