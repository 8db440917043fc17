import { ScimError } from '../errors.js'
import type { FilterNode } from '../filter/ast.js'
import type { AttributeDefinition, ResourceSchema } from '../schemas/attribute.js'
import { resolveAttribute, resolveExtension, resolveSubAttribute } from '../schemas/resolve-attribute.js'
import type { PatchPath } from './parse-path.js'

/** What a PATCH path points at, once resolved against the resource's schemas. */
export type PatchTarget =
  /** One attribute (in the core object or in an extension object), maybe narrowed by a value filter and a sub-attribute. */
  | {
      kind: 'attribute'
      /** Canonical id of the schema defining the attribute; extension attributes live under this key. */
      schemaId: string
      extension: boolean
      definition: AttributeDefinition
      filter?: FilterNode
      subAttribute?: AttributeDefinition
      /** The path as the client wrote it, for error details. */
      where: string
    }
  /**
   * A bare schema URN: the whole extension object (or, for the core URN, the resource's top level). `known` is false
   * for an extension the resource does not have: its keys may still name our attributes (`modernloopRole` under
   * `urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User`, field guide §2.1, §2.2).
   */
  | { kind: 'schema'; schemaId: string; extension: boolean; known: boolean; where: string }
  /** Not in the resource's schemas (or not stored): the operation is skipped and noted (field guide §5 #17). */
  | { kind: 'skipped'; reason: string }

/**
 * Resolves a PATCH path against a resource type. Throws ScimError 400 mutability for read-only attributes (`id`,
 * `meta`, User `groups`, `manager.displayName`; RFC 7644 §3.5.2) and 400 invalidPath for a value filter on a
 * single-valued attribute. Unknown attributes are not errors: Entra sends every mapped attribute, supported or not.
 */
export function resolvePatchTarget(path: PatchPath, resource: ResourceSchema): PatchTarget {
  const { schema, attribute } = path.attribute
  if (attribute === '') return resolveSchemaTarget(schema ?? '', path.raw, resource)

  const resolved = resolveAttribute(resource, path.attribute)
  if (!resolved) {
    // `urn:acme:scim:ext:User` has no version segment, so the parser could not tell it was a bare URN.
    const extension = schema !== undefined && !path.filter && !path.subAttribute && resolveExtension(resource, `${schema}:${attribute}`)
    if (extension) return { kind: 'schema', schemaId: extension.id, extension: true, known: true, where: path.raw }
    return { kind: 'skipped', reason: `"${path.raw}" is not an attribute of ${resource.name}` }
  }

  const { definition } = resolved
  if (definition.mutability === 'readOnly') {
    throw ScimError.mutability(`"${definition.name}" is read-only and cannot be modified (RFC 7643 §2.2).`)
  }
  if (definition.mutability === 'writeOnly') {
    // Roster authenticates users through SSO; keeping a cleartext password (RFC 7643 §4.1.1) would only be a liability.
    return { kind: 'skipped', reason: `"${definition.name}" is write-only and Roster does not store it` }
  }
  if (path.filter && !definition.multiValued) {
    throw ScimError.invalidPath(`"${path.raw}": a value filter "[...]" needs a multi-valued attribute, and "${definition.name}" is single-valued.`)
  }
  const target: PatchTarget = { kind: 'attribute', ...resolved, where: path.raw }
  if (path.filter) target.filter = path.filter
  if (path.subAttribute === undefined) return target

  const subAttribute = resolveSubAttribute(definition, path.subAttribute)
  if (!subAttribute) {
    return { kind: 'skipped', reason: `"${path.raw}" is not an attribute of ${resource.name} ("${definition.name}" has no sub-attribute "${path.subAttribute}")` }
  }
  if (subAttribute.mutability === 'readOnly') {
    throw ScimError.mutability(`"${definition.name}.${subAttribute.name}" is read-only and cannot be modified (RFC 7643 §2.2).`)
  }
  target.subAttribute = subAttribute
  return target
}

function resolveSchemaTarget(urn: string, raw: string, resource: ResourceSchema): PatchTarget {
  if (urn.toLowerCase() === resource.core.id.toLowerCase()) {
    return { kind: 'schema', schemaId: resource.core.id, extension: false, known: true, where: raw }
  }
  const extension = resolveExtension(resource, urn)
  if (extension) return { kind: 'schema', schemaId: extension.id, extension: true, known: true, where: raw }
  return { kind: 'schema', schemaId: urn, extension: true, known: false, where: raw }
}
