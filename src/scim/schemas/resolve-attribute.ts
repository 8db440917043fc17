import { ENTERPRISE_USER_SCHEMA_ID } from './schema-ids.js'
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './attribute.js'

/** Where an attribute path landed: the schema that defines it and its definition. */
export interface ResolvedAttribute {
  schemaId: string
  /** true when the attribute lives in an extension object */
  extension: boolean
  definition: AttributeDefinition
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

const findIn = (attributes: readonly AttributeDefinition[], name: string): AttributeDefinition | undefined =>
  attributes.find((attribute) => sameName(attribute.name, name))

/**
 * Finds an attribute by (optional) schema URN and name, case-insensitively (RFC 7643 §2.1). An unqualified or
 * core-URN-qualified name that is not a core attribute resolves to the extension attribute of that name when
 * exactly one extension has it: Entra sends custom attributes as `modernloopRole` or
 * `urn:ietf:params:scim:schemas:core:2.0:User:modernloopRole` (field guide §2.2).
 */
export function resolveAttribute(resource: ResourceSchema, path: { schema?: string; attribute: string }): ResolvedAttribute | undefined {
  if (path.schema !== undefined && !sameName(path.schema, resource.core.id)) {
    const extension = resolveExtension(resource, path.schema)
    if (extension) {
      const definition = findIn(extension.attributes, path.attribute)
      return definition && { schemaId: extension.id, extension: true, definition }
    }
    // Entra names custom attributes `urn:ietf:params:scim:schemas:extension:<AnyName>:2.0:User:<attr>` (field guide
    // §2.1); an extension we do not know resolves to the one custom (non-enterprise) attribute of that name, if any.
    if (!isForeignExtensionOf(resource, path.schema)) return undefined
    return uniqueExtensionAttribute(resource, path.attribute, (id) => !sameName(id, ENTERPRISE_USER_SCHEMA_ID))
  } else {
    const core = findIn(resource.core.attributes, path.attribute)
    if (core) return { schemaId: resource.core.id, extension: false, definition: core }
  }
  return uniqueExtensionAttribute(resource, path.attribute, () => true)
}

function uniqueExtensionAttribute(resource: ResourceSchema, name: string, eligible: (schemaId: string) => boolean): ResolvedAttribute | undefined {
  const candidates: ResolvedAttribute[] = []
  for (const { schema } of resource.extensions) {
    if (!eligible(schema.id)) continue
    const definition = findIn(schema.attributes, name)
    if (definition) candidates.push({ schemaId: schema.id, extension: true, definition })
  }
  return candidates.length === 1 ? candidates[0] : undefined
}

/** `urn:ietf:params:scim:schemas:extension:<name>:2.0:<resource name>`, for a name we do not publish. */
function isForeignExtensionOf(resource: ResourceSchema, urn: string): boolean {
  const match = /^urn:ietf:params:scim:schemas:extension:[^:]+:2\.0:([^:]+)$/i.exec(urn)
  return match !== null && sameName(match[1]!, resource.name)
}

/** Sub-attribute of a complex attribute by name, case-insensitively. */
export function resolveSubAttribute(definition: AttributeDefinition, name: string): AttributeDefinition | undefined {
  return definition.subAttributes && findIn(definition.subAttributes, name)
}

/** The extension schema whose id equals `urn` case-insensitively, if the resource has it. */
export function resolveExtension(resource: ResourceSchema, urn: string): SchemaDefinition | undefined {
  return resource.extensions.find(({ schema }) => sameName(schema.id, urn))?.schema
}
