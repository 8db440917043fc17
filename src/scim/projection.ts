import type { AttributePath } from './filter/ast.js'
import { parseAttributePath } from './filter/parse-filter.js'
import type { AttributeDefinition, ResourceSchema } from './schemas/attribute.js'
import { isJsonObject } from './schemas/coerce-value.js'
import { resolveAttribute, resolveExtension } from './schemas/resolve-attribute.js'
import { ScimError } from './errors.js'
import { MAX_ATTRIBUTE_PATHS } from './limits.js'

/** The `attributes` / `excludedAttributes` of RFC 7644 §3.4.2.5 and §3.9. */
export interface Projection {
  attributes?: AttributePath[]
  excludedAttributes?: AttributePath[]
}

/** `urn:…:2.0:User`: a whole schema (an extension object), which `parseAttributePath` rightly refuses as a path. */
const SCHEMA_URN = /^urn:.*:\d+(?:\.\d+)*:[^:.]+$/i

/** Parses the `attributes` / `excludedAttributes` query values (comma-separated, URN-qualified allowed); throws ScimError invalidPath. */
export function parseProjection(attributes: string | undefined, excludedAttributes: string | undefined): Projection {
  const projection: Projection = {}
  const requested = parsePathList(attributes)
  const excluded = parsePathList(excludedAttributes)
  const paths = (requested?.length ?? 0) + (excluded?.length ?? 0)
  if (paths > MAX_ATTRIBUTE_PATHS) {
    throw ScimError.invalidValue(
      `attributes and excludedAttributes name ${paths} paths; Roster accepts at most ${MAX_ATTRIBUTE_PATHS} in one request.`,
    )
  }
  if (requested) projection.attributes = requested
  if (excluded) projection.excludedAttributes = excluded
  return projection
}

function parsePathList(text: string | undefined): AttributePath[] | undefined {
  if (text === undefined) return undefined
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '')
  if (items.length === 0) return undefined
  // Checked before parsing, so that an oversized list costs no more than splitting it.
  if (items.length > MAX_ATTRIBUTE_PATHS) {
    throw ScimError.invalidValue(`attributes or excludedAttributes names ${items.length} paths; Roster accepts at most ${MAX_ATTRIBUTE_PATHS} in one request.`)
  }
  // A whole extension is the top-level key named by its URN, so it is represented as that attribute.
  return items.map((item) => (SCHEMA_URN.test(item) ? { attribute: item.toLowerCase(), raw: item } : parseAttributePath(item)))
}

/** Which attributes (and sub-attributes) a list of paths names, keyed by schema id and attribute name. */
interface Selection {
  whole: boolean
  subAttributes: Set<string>
}
type Selections = Map<string, Selection>

const selectionKey = (schemaId: string, attribute: string): string => `${schemaId.toLowerCase()}\n${attribute.toLowerCase()}`
const WHOLE_SCHEMA = '*'

function selectionsOf(paths: AttributePath[] | undefined, schema: ResourceSchema): Selections | undefined {
  if (!paths) return undefined
  const selections: Selections = new Map()
  const select = (key: string, subAttribute: string | undefined): void => {
    const selection = selections.get(key) ?? { whole: false, subAttributes: new Set<string>() }
    if (subAttribute === undefined) selection.whole = true
    else selection.subAttributes.add(subAttribute.toLowerCase())
    selections.set(key, selection)
  }
  for (const path of paths) {
    const extension = path.schema === undefined ? resolveExtension(schema, path.attribute) : undefined
    if (extension) {
      select(selectionKey(extension.id, WHOLE_SCHEMA), undefined)
      continue
    }
    // Unknown attributes are ignored, as RFC 7644 §3.9 asks of servers for attributes they do not support.
    const resolved = resolveAttribute(schema, path.schema === undefined ? { attribute: path.attribute } : { schema: path.schema, attribute: path.attribute })
    if (resolved) select(selectionKey(resolved.schemaId, resolved.definition.name), path.subAttribute)
  }
  return selections
}

/** A projection compiled against one resource schema. */
class CompiledProjection {
  readonly requested: Selections | undefined
  readonly excluded: Selections | undefined

  constructor(projection: Projection, schema: ResourceSchema) {
    this.requested = selectionsOf(projection.attributes, schema)
    this.excluded = selectionsOf(projection.excludedAttributes, schema)
  }

  /** The projected value of one attribute, or undefined to leave it out. */
  project(schemaId: string, definition: AttributeDefinition, value: unknown): unknown {
    if (definition.returned === 'never') return undefined
    if (definition.returned === 'always') return value
    // Without attributes/excludedAttributes (nearly every request) only `returned` decides.
    if (!this.requested && !this.excluded) return definition.returned === 'request' ? undefined : value
    const key = selectionKey(schemaId, definition.name)
    let projected: unknown = value
    if (this.requested) {
      const selection = this.requested.get(key)
      const wholeSchema = this.requested.get(selectionKey(schemaId, WHOLE_SCHEMA))
      if (!selection && !wholeSchema) return undefined
      if (selection && !selection.whole && !wholeSchema) projected = keepSubAttributes(definition, projected, selection.subAttributes)
    } else if (definition.returned === 'request') {
      return undefined
    }
    const exclusion = this.excluded?.get(key)
    if (this.excluded?.get(selectionKey(schemaId, WHOLE_SCHEMA)) || exclusion?.whole) return undefined
    if (exclusion) projected = dropSubAttributes(definition, projected, exclusion.subAttributes)
    return projected
  }

  /** True when an attribute cannot appear in the output at all. */
  excludes(schemaId: string, definition: AttributeDefinition): boolean {
    return this.project(schemaId, definition, PRESENT) === undefined
  }
}

/**
 * Compiled projections by projection and schema: a page of 1,000 resources compiles its projection once, not 1,000
 * times (a request naming 120,000 paths took 11 s when each resource compiled it again).
 */
const compiledProjections = new WeakMap<Projection, Map<ResourceSchema, CompiledProjection>>()

function compiled(projection: Projection, schema: ResourceSchema): CompiledProjection {
  let bySchema = compiledProjections.get(projection)
  if (bySchema === undefined) {
    bySchema = new Map()
    compiledProjections.set(projection, bySchema)
  }
  let result = bySchema.get(schema)
  if (result === undefined) {
    result = new CompiledProjection(projection, schema)
    bySchema.set(schema, result)
  }
  return result
}

/** A stand-in value for `excludes`: projection of a simple value only depends on the attribute's selection. */
const PRESENT = Symbol('present')

/** Applies `pick` to a complex value or to each element of a multi-valued one; empty results are left out. */
function mapComplex(definition: AttributeDefinition, value: unknown, pick: (name: string) => boolean): unknown {
  if (definition.type !== 'complex' || typeof value === 'symbol') return value
  const pickObject = (object: unknown): Record<string, unknown> | undefined => {
    if (!isJsonObject(object)) return undefined
    const entries = Object.entries(object).filter(([name]) => pick(name.toLowerCase()))
    return entries.length > 0 ? Object.fromEntries(entries) : undefined
  }
  if (!Array.isArray(value)) return pickObject(value)
  const elements = value.map(pickObject).filter((element) => element !== undefined)
  return elements.length > 0 ? elements : undefined
}

const keepSubAttributes = (definition: AttributeDefinition, value: unknown, names: Set<string>): unknown =>
  mapComplex(definition, value, (name) => names.has(name) || isAlwaysReturnedSub(definition, name))

const dropSubAttributes = (definition: AttributeDefinition, value: unknown, names: Set<string>): unknown =>
  mapComplex(definition, value, (name) => !names.has(name) || isAlwaysReturnedSub(definition, name))

const isAlwaysReturnedSub = (definition: AttributeDefinition, name: string): boolean =>
  definition.subAttributes?.some((sub) => sub.name.toLowerCase() === name && sub.returned === 'always') ?? false

/** Definitions by lower-cased name, per attribute list: every response looks up each of its keys. */
const definitionsByName = new WeakMap<readonly AttributeDefinition[], Map<string, AttributeDefinition>>()

/** The first definition named `name`, compared case-insensitively (RFC 7643 §2.1). */
function findDefinition(attributes: readonly AttributeDefinition[], name: string): AttributeDefinition | undefined {
  let byName = definitionsByName.get(attributes)
  if (byName === undefined) {
    byName = new Map()
    for (const attribute of attributes) if (!byName.has(attribute.name.toLowerCase())) byName.set(attribute.name.toLowerCase(), attribute)
    definitionsByName.set(attributes, byName)
  }
  return byName.get(name.toLowerCase())
}

/**
 * Applies a projection to an outgoing resource (RFC 7644 §3.4.2.5, §3.9): `returned: always` attributes (id, schemas,
 * and for Group none else) are always kept; `returned: never` (password) never output; sub-attribute paths
 * (`name.givenName`) and extension paths work; extension objects left empty are removed. Does not mutate its input
 * (values kept whole are shared, not copied).
 */
export function projectResource(resource: Record<string, unknown>, schema: ResourceSchema, projection: Projection): Record<string, unknown> {
  const projector = compiled(projection, schema)
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() === 'schemas') {
      result[key] = value
      continue
    }
    const extension = resolveExtension(schema, key)
    if (extension) {
      if (!isJsonObject(value)) continue
      const projected: Record<string, unknown> = {}
      for (const [name, attributeValue] of Object.entries(value)) {
        const definition = findDefinition(extension.attributes, name)
        const kept = definition ? projector.project(extension.id, definition, attributeValue) : projector.requested ? undefined : attributeValue
        if (kept !== undefined) projected[name] = kept
      }
      if (Object.keys(projected).length > 0) result[key] = projected
      continue
    }
    const definition = findDefinition(schema.core.attributes, key)
    // Keys outside the schema are not ours to judge: kept by default, dropped when specific attributes were asked for.
    const kept = definition ? projector.project(schema.core.id, definition, value) : projector.requested ? undefined : value
    if (kept !== undefined) result[key] = kept
  }
  return result
}

/** True when the projection excludes `attribute` (lower-cased top-level name), e.g. to skip loading group members. */
export function isExcluded(projection: Projection, schema: ResourceSchema, attribute: string): boolean {
  const projector = compiled(projection, schema)
  const extension = resolveExtension(schema, attribute)
  if (extension) return extension.attributes.every((definition) => projector.excludes(extension.id, definition))
  const definition = findDefinition(schema.core.attributes, attribute)
  if (!definition) return projector.requested !== undefined
  return projector.excludes(schema.core.id, definition)
}
