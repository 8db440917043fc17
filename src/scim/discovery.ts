import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schemas/attribute.js'
import { topLevelRoleAttribute } from './schemas/modernloop-user-schema.js'
import { groupResourceSchema, userResourceSchema } from './schemas/resource-schemas.js'
import { USER_SCHEMA_ID } from './schemas/schema-ids.js'
import { CURSOR_TIMEOUT_SECONDS } from './list-cursor.js'

/** What the discovery documents need to know about the deployment and its limits. */
export interface DiscoveryOptions {
  /** e.g. https://host/org/scim/v2 */
  baseUrl: string
  maxResults: number
  /** The page size of a list that names no count. */
  defaultPageSize: number
  maxPayloadBytes: number
  maxOperations: number
  documentationUri?: string
}

const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType'
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema'

const RESOURCE_SCHEMAS: readonly ResourceSchema[] = [userResourceSchema, groupResourceSchema]

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '')

/**
 * RFC 7643 §5 ServiceProviderConfig: PATCH supported, bulk not, filter supported (up to maxResults), no password
 * change, no sort, ETags yes, bearer-token authentication; RFC 9865 §4 `pagination`: index (the default) and cursor.
 */
export function serviceProviderConfig(options: DiscoveryOptions): Record<string, unknown> {
  const document: Record<string, unknown> = { schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA] }
  if (options.documentationUri !== undefined) document['documentationUri'] = options.documentationUri
  return {
    ...document,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: options.maxOperations, maxPayloadSize: options.maxPayloadBytes },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: options.defaultPageSize,
      maxPageSize: options.maxResults,
      cursorTimeout: CURSOR_TIMEOUT_SECONDS,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "Authentication with the organization's SCIM bearer token, sent as Authorization: Bearer <token>.",
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${withoutTrailingSlash(options.baseUrl)}/ServiceProviderConfig` },
  }
}

/** RFC 7643 §6 ResourceType documents: User (with both extensions, not required) and Group. */
export function resourceTypes(options: DiscoveryOptions): Record<string, unknown>[] {
  const base = withoutTrailingSlash(options.baseUrl)
  return RESOURCE_SCHEMAS.map((resource) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resource.name,
    name: resource.name,
    endpoint: resource.endpoint,
    description: resource.core.description,
    schema: resource.core.id,
    schemaExtensions: resource.extensions.map(({ schema, required }) => ({ schema: schema.id, required })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${resource.name}` },
  }))
}

/** RFC 7643 §7 Schema documents for every schema the resource types use (core User, Group and the extensions). */
export function schemaDocuments(options: DiscoveryOptions): Record<string, unknown>[] {
  const base = withoutTrailingSlash(options.baseUrl)
  const schemas = new Map<string, SchemaDefinition>()
  for (const resource of RESOURCE_SCHEMAS) {
    for (const schema of [resource.core, ...resource.extensions.map((extension) => extension.schema)]) schemas.set(schema.id, schema)
  }
  return [...schemas.values()].map((schema) => ({
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: servedAttributes(schema).map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  }))
}

/**
 * The attributes a schema document lists: the core User schema also defines the top-level copy of the role that every
 * User response carries, so that clients validating responses against /Schemas accept them.
 */
function servedAttributes(schema: SchemaDefinition): AttributeDefinition[] {
  return schema.id === USER_SCHEMA_ID ? [...schema.attributes, topLevelRoleAttribute] : schema.attributes
}

/** RFC 7643 §7 attribute form: every characteristic spelled out, sub-attributes recursively. */
function attributeDocument(definition: AttributeDefinition): Record<string, unknown> {
  const document: Record<string, unknown> = {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
  }
  if (definition.canonicalValues) document['canonicalValues'] = [...definition.canonicalValues]
  if (definition.referenceTypes) document['referenceTypes'] = [...definition.referenceTypes]
  if (definition.subAttributes) document['subAttributes'] = definition.subAttributes.map(attributeDocument)
  return document
}
