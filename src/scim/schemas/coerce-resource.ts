import { ScimError } from '../errors.js'
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './attribute.js'
import { coerceValue, isJsonObject } from './coerce-value.js'
import { resolveAttribute, resolveExtension, resolveSubAttribute, type ResolvedAttribute } from './resolve-attribute.js'

/** A coerced POST/PUT body. */
export interface CoercedResource {
  document: Record<string, unknown>
  /** attribute names ignored (unknown or read-only), for logs */
  ignored: string[]
}

/**
 * A POST/PUT body → stored document: canonical attribute names; extension attributes under their canonical URN key
 * (whether the extension object is listed in `schemas` or not, URN keys matched case-insensitively; also top-level
 * keys like "urn:...:enterprise:2.0:User:department" and dotted keys like "name.givenName" placed where they belong);
 * read-only attributes (id, meta, groups) dropped; nulls and unknown attributes dropped (recorded in `ignored`);
 * `schemas` rewritten to the core schema plus the extensions present. Throws ScimError: body not an object →
 * 400 invalidSyntax; required attribute missing (userName for User, displayName for Group) → 400 invalidValue
 * ("userName is required"); more than one `primary: true` in a multi-valued attribute → 400 invalidValue.
 *
 * Also dropped: `password` (writeOnly; Roster never authenticates users with it, so it is never stored) and empty
 * arrays (RFC 7643 §2.5: equivalent to unassigned).
 */
export function coerceResource(body: unknown, resource: ResourceSchema): CoercedResource {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax(`The request body must be a JSON object (a ${resource.name} resource)`)
  const builder = new DocumentBuilder(resource)
  for (const [key, value] of Object.entries(body)) builder.add(key, value)
  const document = builder.finish()
  checkRequired(document, resource)
  checkSinglePrimary(document, resource)
  return { document, ignored: builder.ignored }
}

/** Places each body key where it belongs; one per coerceResource call. */
class DocumentBuilder {
  readonly ignored: string[] = []
  private readonly core: Record<string, unknown> = {}
  private readonly extensions = new Map<string, Record<string, unknown>>()

  constructor(private readonly resource: ResourceSchema) {}

  add(key: string, value: unknown): void {
    if (key.toLowerCase() === 'schemas') return // rewritten from what is present; Entra sends typos such as "...enterprise:2.0User"
    if (value === null || value === undefined) return
    const extension = resolveExtension(this.resource, key)
    if (extension) return this.addExtensionObject(extension, key, value)
    if (key.toLowerCase() === this.resource.core.id.toLowerCase() && isJsonObject(value)) {
      for (const [innerKey, innerValue] of Object.entries(value)) this.add(innerKey, innerValue)
      return
    }
    const { schema, attribute } = splitUrnKey(key)
    const dot = attribute.indexOf('.')
    if (dot > 0) return this.addSubAttribute(key, { schema, attribute: attribute.slice(0, dot) }, attribute.slice(dot + 1), value)
    const resolved = resolveAttribute(this.resource, schema === undefined ? { attribute } : { schema, attribute })
    if (!resolved || !isWritable(resolved.definition)) return void this.ignored.push(key)
    this.set(resolved, coerceValue(resolved.definition, value, key))
  }

  /** `"urn:...:enterprise:2.0:User": { "department": "X" }`, listed in `schemas` or not (field guide §2.1). */
  private addExtensionObject(extension: SchemaDefinition, key: string, value: unknown): void {
    if (!isJsonObject(value)) throw ScimError.invalidValue(`${key} must be an object of ${extension.name} attributes, got ${Array.isArray(value) ? 'an array' : typeof value}`)
    for (const [name, attributeValue] of Object.entries(value)) {
      if (attributeValue === null || attributeValue === undefined) continue
      const resolved = resolveAttribute(this.resource, { schema: extension.id, attribute: name })
      if (!resolved || !isWritable(resolved.definition)) {
        this.ignored.push(`${key}:${name}`)
        continue
      }
      this.set(resolved, coerceValue(resolved.definition, attributeValue, `${key}:${name}`))
    }
  }

  /** Dotted keys such as `"name.givenName"` (Entra's path-less PATCH values, also seen in bodies). */
  private addSubAttribute(key: string, parentPath: { schema?: string; attribute: string }, subName: string, value: unknown): void {
    const parent = resolveAttribute(this.resource, parentPath)
    const sub = parent && !parent.definition.multiValued ? resolveSubAttribute(parent.definition, subName) : undefined
    if (!parent || !sub || !isWritable(parent.definition) || !isWritable(sub)) return void this.ignored.push(key)
    const coerced = coerceValue(sub, value, key)
    if (coerced === undefined) return
    this.set(parent, { [sub.name]: coerced })
  }

  /** Stores a coerced value; complex objects merge, so `name` and `name.familyName` combine. */
  private set(resolved: ResolvedAttribute, value: unknown): void {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return
    const target = resolved.extension ? this.extensionObject(resolved.schemaId) : this.core
    const name = resolved.definition.name
    const existing = target[name]
    target[name] = isJsonObject(existing) && isJsonObject(value) ? { ...existing, ...value } : value
  }

  private extensionObject(schemaId: string): Record<string, unknown> {
    let object = this.extensions.get(schemaId)
    if (!object) this.extensions.set(schemaId, (object = {}))
    return object
  }

  finish(): Record<string, unknown> {
    const present = this.resource.extensions
      .map(({ schema }) => schema.id)
      .filter((id) => Object.keys(this.extensions.get(id) ?? {}).length > 0)
    const document: Record<string, unknown> = { schemas: [this.resource.core.id, ...present], ...this.core }
    for (const id of present) document[id] = this.extensions.get(id)
    return document
  }
}

/** `urn:...:enterprise:2.0:User:department` → schema and attribute; a plain key has no schema. */
function splitUrnKey(key: string): { schema?: string; attribute: string } {
  if (!key.toLowerCase().startsWith('urn:')) return { attribute: key }
  const colon = key.lastIndexOf(':')
  return { schema: key.slice(0, colon), attribute: key.slice(colon + 1) }
}

/** Clients may not set read-only attributes (RFC 7643 §2.2); password is writeOnly but deliberately never stored. */
const isWritable = (definition: AttributeDefinition): boolean =>
  definition.mutability !== 'readOnly' && definition.returned !== 'never'

function checkRequired(document: Record<string, unknown>, resource: ResourceSchema): void {
  for (const definition of resource.core.attributes) {
    if (!definition.required || !isWritable(definition)) continue
    const value = document[definition.name]
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      throw ScimError.invalidValue(`${definition.name} is required`)
    }
  }
}

/** RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once. */
function checkSinglePrimary(document: Record<string, unknown>, resource: ResourceSchema): void {
  const scopes: [Record<string, unknown>, SchemaDefinition][] = [[document, resource.core]]
  for (const { schema } of resource.extensions) {
    const object = document[schema.id]
    if (isJsonObject(object)) scopes.push([object, schema])
  }
  for (const [object, schema] of scopes) {
    for (const definition of schema.attributes) {
      const values = object[definition.name]
      if (!definition.multiValued || !Array.isArray(values)) continue
      const primaries = values.filter((element) => isJsonObject(element) && element['primary'] === true).length
      if (primaries > 1) throw ScimError.invalidValue(`${definition.name} has ${primaries} values marked primary; at most one may be`)
    }
  }
}
