import { ScimError } from '../errors.js'
import type { AttributeDefinition } from './attribute.js'
import { resolveSubAttribute } from './resolve-attribute.js'
import { MAX_MULTI_VALUED_ELEMENTS } from '../limits.js'

/** 400 naming the element limit (MAX_MULTI_VALUED_ELEMENTS), before any work proportional to the elements is done. */
export const tooManyElements = (definition: AttributeDefinition, where: string, count: number): ScimError =>
  ScimError.invalidValue(
    `${where} would hold ${count} elements; Roster accepts at most ${MAX_MULTI_VALUED_ELEMENTS} elements in one multi-valued attribute ("${definition.name}").`,
  )

/** A JSON object (not an array, not null). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Client input, quoted and shortened for an error detail. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (isJsonObject(value)) return 'an object'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const invalid = (where: string, expected: string, value: unknown): ScimError =>
  ScimError.invalidValue(`${where} must be ${expected}, got ${describe(value)}`)

/**
 * Coerces one value to an attribute's definition (Entra quirks included) or throws ScimError 400 invalidValue
 * naming `where` (the attribute path as the client wrote it). Returns undefined for null/absent (meaning "no value").
 * - boolean: true/false, or strings "true"/"false" in any case (Entra sends "False").
 * - integer/decimal: numbers, or numeric strings. string/reference/dateTime/binary: strings (numbers and booleans are
 *   turned to strings; objects/arrays are invalidValue). dateTime must parse as a date.
 * - single-valued attribute given a one-element array: unwrap it (Entra does this).
 * - complex single-valued given a bare string: `{ value: string }` (Entra sends manager as a bare id string).
 * - multi-valued given a single value/object: wrap it in an array. Elements coerced recursively; null elements dropped.
 * - complex: sub-attribute names canonicalised, unknown sub-attributes dropped, null sub-attributes dropped
 *   (`$ref: null` in Entra's group member add must validate).
 */
export function coerceValue(definition: AttributeDefinition, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined
  if (definition.multiValued) {
    const elements = Array.isArray(value) ? value : [value]
    if (elements.length > MAX_MULTI_VALUED_ELEMENTS && !definition.storedApart) throw tooManyElements(definition, where, elements.length)
    const coerced: unknown[] = []
    elements.forEach((element, index) => {
      const item = coerceSingle(definition, element, Array.isArray(value) ? `${where}[${index}]` : where)
      if (item !== undefined) coerced.push(item)
    })
    return coerced
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined
    if (value.length > 1) throw ScimError.invalidValue(`${where} is single-valued but was given ${value.length} values`)
    return coerceSingle(definition, value[0], where)
  }
  return coerceSingle(definition, value, where)
}

/** One value (a multi-valued attribute's element, or a single-valued attribute's value). */
function coerceSingle(definition: AttributeDefinition, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined
  switch (definition.type) {
    case 'complex':
      return coerceComplex(definition, value, where)
    case 'boolean':
      return coerceBoolean(value, where)
    case 'integer':
    case 'decimal':
      return coerceNumber(value, definition.type, where)
    case 'dateTime':
      return coerceDateTime(value, where)
    case 'string':
    case 'reference':
    case 'binary':
      return coerceString(value, where)
  }
}

function coerceComplex(definition: AttributeDefinition, value: unknown, where: string): Record<string, unknown> | undefined {
  const valueSubAttribute = resolveSubAttribute(definition, 'value')
  // Entra sends the manager (and sometimes members) as a bare id: "manager": "45619541-..."
  if ((typeof value === 'string' || typeof value === 'number') && valueSubAttribute) {
    return { [valueSubAttribute.name]: coerceValue(valueSubAttribute, value, `${where}.${valueSubAttribute.name}`) }
  }
  if (!isJsonObject(value)) throw invalid(where, 'an object', value)
  const result: Record<string, unknown> = {}
  for (const [key, subValue] of Object.entries(value)) {
    const subAttribute = resolveSubAttribute(definition, key)
    if (!subAttribute) continue
    const coerced = coerceValue(subAttribute, subValue, `${where}.${key}`)
    if (coerced !== undefined) result[subAttribute.name] = coerced
  }
  return result
}

function coerceBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase()
    if (text === 'true') return true
    if (text === 'false') return false
  }
  throw invalid(where, 'a boolean (true or false)', value)
}

function coerceNumber(value: unknown, type: 'integer' | 'decimal', where: string): number {
  let number: number = Number.NaN
  if (typeof value === 'number') number = value
  else if (typeof value === 'string' && value.trim() !== '') number = Number(value.trim())
  const expected = type === 'integer' ? 'an integer' : 'a number'
  if (!Number.isFinite(number) || (type === 'integer' && !Number.isInteger(number))) throw invalid(where, expected, value)
  return number
}

function coerceString(value: unknown, where: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw invalid(where, 'a string', value)
}

function coerceDateTime(value: unknown, where: string): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
  if (text === undefined || text.trim() === '' || Number.isNaN(Date.parse(text))) {
    throw invalid(where, 'a date and time (xsd:dateTime, e.g. 2024-05-01T12:00:00Z)', value)
  }
  return text
}
