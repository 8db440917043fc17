import type { AttributePath, FilterNode } from './ast.js'
import { compareValues } from './compare-values.js'

export interface FilterEvaluationOptions {
  /**
   * Whether comparisons on this attribute are case-exact (RFC 7643 caseExact). Default: `isCaseExactByDefault`, which is
   * true only for `id`, `externalId` and `meta.version` (caseExact in RFC 7643 §3.1); so `userName` and `displayName`
   * match in any case, as Entra's "filter with a different case" validator test expects.
   */
  isCaseExact?: (path: AttributePath) => boolean
  /**
   * Lower-cased URN of the resource's core schema, e.g. 'urn:ietf:params:scim:schemas:core:2.0:user': attributes
   * qualified with it are top-level. Without it, any `urn:ietf:params:scim:schemas:core:` URN counts as core.
   */
  coreSchema?: string
}

/** RFC 7643 §3.1 makes `id`, `externalId` and `meta.version` case-exact; every other attribute compares in any case. */
export function isCaseExactByDefault(path: AttributePath): boolean {
  if (path.subAttribute === undefined) return path.attribute === 'id' || path.attribute === 'externalid'
  return path.attribute === 'meta' && path.subAttribute === 'version'
}

/**
 * True when `resource` (SCIM JSON: canonical or any-case attribute names, extensions under URN keys) matches `filter`
 * (RFC 7644 §3.4.2.2). Multi-valued attributes match when any element matches; `ne` is the negation of `eq`, so it
 * is true for an absent attribute; `eq null` is true when the attribute is absent. Never throws on odd data.
 */
export function matchesFilter(resource: Record<string, unknown>, filter: FilterNode, options: FilterEvaluationOptions = {}): boolean {
  const context: EvaluationContext = {
    isCaseExact: options.isCaseExact ?? isCaseExactByDefault,
    coreSchema: options.coreSchema?.toLowerCase(),
  }
  return evaluate(resource, filter, context, undefined)
}

interface EvaluationContext {
  isCaseExact: (path: AttributePath) => boolean
  coreSchema: string | undefined
}

/** `element` is set inside `attr[...]`, where paths name sub-attributes of one element of `attr`. */
function evaluate(target: Record<string, unknown>, node: FilterNode, context: EvaluationContext, element: AttributePath | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(target, node.left, context, element) && evaluate(target, node.right, context, element)
    case 'or':
      return evaluate(target, node.left, context, element) || evaluate(target, node.right, context, element)
    case 'not':
      return !evaluate(target, node.filter, context, element)
    case 'present':
      return rawValuesAt(target, node.path, context, element).some(isPresent)
    case 'valuePath':
      return elementsOf(attributeValue(target, node.path, context, element)).some((item) =>
        evaluate(item, node.filter, context, node.path),
      )
    case 'compare': {
      if (node.value === null) {
        const present = rawValuesAt(target, node.path, context, element).some(isPresent)
        return node.operator === 'ne' ? present : node.operator === 'eq' && !present
      }
      const expected = node.value
      const operator = node.operator === 'ne' ? 'eq' : node.operator
      const caseExact = context.isCaseExact(element ? relativeTo(element, node.path) : node.path)
      const matched = comparableValuesAt(target, node.path, context, element).some((actual) =>
        compareValues(actual, operator, expected, caseExact),
      )
      return node.operator === 'ne' ? !matched : matched
    }
  }
}

/** The top-level value a path names, looking inside the extension object when the path is qualified by one. */
function attributeValue(target: Record<string, unknown>, path: AttributePath, context: EvaluationContext, element: AttributePath | undefined): unknown {
  let container: unknown = target
  if (path.schema !== undefined && element === undefined && !isCoreSchema(path.schema, context)) {
    container = propertyOf(target, path.schema)
  }
  return isRecord(container) ? propertyOf(container, path.attribute) : undefined
}

/** Values at the path as stored: `emails.value` collects every element's value; arrays stay arrays otherwise. */
function rawValuesAt(target: Record<string, unknown>, path: AttributePath, context: EvaluationContext, element: AttributePath | undefined): unknown[] {
  const value = attributeValue(target, path, context, element)
  if (value === undefined) return []
  if (path.subAttribute === undefined) return [value]
  const subAttribute = path.subAttribute
  const values: unknown[] = []
  for (const item of Array.isArray(value) ? value : [value]) {
    if (!isRecord(item)) continue
    const subValue = propertyOf(item, subAttribute)
    if (Array.isArray(subValue)) values.push(...subValue)
    else if (subValue !== undefined) values.push(subValue)
  }
  return values
}

/** Single values to compare: array elements one by one, and a complex element by its `value` (RFC 7644 §3.4.2.2). */
function comparableValuesAt(target: Record<string, unknown>, path: AttributePath, context: EvaluationContext, element: AttributePath | undefined): unknown[] {
  const values: unknown[] = []
  for (const value of rawValuesAt(target, path, context, element)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      values.push(isRecord(item) ? propertyOf(item, 'value') : item)
    }
  }
  return values
}

/** The elements a value filter looks at; a primitive element is seen as `{ value }` so `tags[value eq "x"]` works. */
function elementsOf(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return []
  return (Array.isArray(value) ? value : [value]).map((item) => (isRecord(item) ? item : { value: item }))
}

/** The path of a sub-attribute inside `attr[...]`, as `attr.sub`, so caseExact can be decided per sub-attribute. */
function relativeTo(element: AttributePath, path: AttributePath): AttributePath {
  const full: AttributePath = { attribute: element.attribute, subAttribute: path.attribute, raw: `${element.raw}.${path.raw}` }
  if (element.schema !== undefined) full.schema = element.schema
  return full
}

function isCoreSchema(schema: string, context: EvaluationContext): boolean {
  return context.coreSchema === undefined ? schema.startsWith('urn:ietf:params:scim:schemas:core:') : schema === context.coreSchema
}

/** Own property by lower-cased name, case-insensitively (RFC 7643 §2.1): the stored JSON keeps canonical casing. */
function propertyOf(record: Record<string, unknown>, lowerCaseName: string): unknown {
  if (Object.hasOwn(record, lowerCaseName)) return record[lowerCaseName]
  for (const key of Object.keys(record)) {
    if (key.length === lowerCaseName.length && key.toLowerCase() === lowerCaseName) return record[key]
  }
  return undefined
}

/** RFC 7644 §3.4.2.2 `pr`: has a non-null value that is not an empty string, array or object. */
function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false
  if (Array.isArray(value)) return value.some(isPresent)
  if (isRecord(value)) return Object.values(value).some(isPresent)
  return true
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
