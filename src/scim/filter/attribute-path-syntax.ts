import type { AttributePath } from './ast.js'

/** An attribute path, or a sentence saying why the text is not one (the caller adds where and which scimType). */
export type AttributePathCheck = { ok: true; path: AttributePath } | { ok: false; problem: string }

/**
 * Checks `[URN ":"]ATTRNAME["." subAttr]` (RFC 7644 §3.10 attrPath, ATTRNAME of RFC 7643 §2.1) and lower-cases
 * the names, because SCIM attribute names and schema URNs are case-insensitive. `$ref` is a valid name.
 */
export function checkAttributePath(text: string): AttributePathCheck {
  if (text.length === 0) return failure('it is empty')
  if (text.includes('[')) return failure('a value filter "[...]" is not allowed here; expected [schemaUrn:]attribute[.subAttribute]')

  let schema: string | undefined
  let names = text
  if (startsWithUrn(text)) {
    const lastColon = text.lastIndexOf(':')
    schema = text.slice(0, lastColon)
    names = text.slice(lastColon + 1)
    const schemaProblem = checkSchemaUrn(schema)
    if (schemaProblem) return failure(schemaProblem)
    if (names === '') return failure('it ends with ":"; expected an attribute name after the schema URN')
    // `urn:…:2.0:User` is a schema, not `urn:…:2.0` + attribute `User`: an attribute never follows a version.
    if (isVersionSegment(schema.slice(schema.lastIndexOf(':') + 1))) {
      return failure(`it names a schema, not an attribute; expected "${text}:attributeName"`)
    }
  } else if (text.includes(':')) {
    return failure('only a schema URN (starting with "urn:") may be followed by ":attributeName"')
  }

  const dot = names.indexOf('.')
  const attribute = dot < 0 ? names : names.slice(0, dot)
  const subAttribute = dot < 0 ? undefined : names.slice(dot + 1)
  const attributeProblem = checkAttributeName(attribute)
  if (attributeProblem) return failure(attributeProblem)
  if (subAttribute !== undefined) {
    if (subAttribute.includes('.')) {
      return failure('it has more than one "."; sub-attributes are one level deep (RFC 7643 §2.4)')
    }
    const subProblem = checkAttributeName(subAttribute)
    if (subProblem) return failure(`sub-attribute: ${subProblem}`)
  }

  const path: AttributePath = { attribute: attribute.toLowerCase(), raw: text }
  if (schema !== undefined) path.schema = schema.toLowerCase()
  if (subAttribute !== undefined) path.subAttribute = subAttribute.toLowerCase()
  return { ok: true, path }
}

/** Why `name` is not an ATTRNAME (`ALPHA *(ALPHA / DIGIT / "-" / "_")`, or `$ref`), or undefined when it is one. */
export function checkAttributeName(name: string): string | undefined {
  if (name.length === 0) return 'an attribute name is missing (empty name)'
  if (name.toLowerCase() === '$ref') return undefined
  if (!isAlpha(name.charCodeAt(0))) return `"${name}" must start with a letter`
  for (let i = 1; i < name.length; i++) {
    const code = name.charCodeAt(i)
    if (!isAlpha(code) && !isDigit(code) && code !== DASH && code !== UNDERSCORE) {
      return `"${name}" contains "${name[i]}"; attribute names use letters, digits, "-" and "_"`
    }
  }
  return undefined
}

const DASH = 0x2d
const UNDERSCORE = 0x5f
const isAlpha = (code: number): boolean => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39

const startsWithUrn = (text: string): boolean => text.length > 4 && text.slice(0, 4).toLowerCase() === 'urn:'

const isVersionSegment = (segment: string): boolean => /^\d+(?:\.\d+)*$/.test(segment)

function checkSchemaUrn(schema: string): string | undefined {
  const segments = schema.split(':')
  if (segments.length < 3) return `"${schema}" is not a complete schema URN (expected e.g. urn:ietf:params:scim:schemas:core:2.0:User)`
  if (segments.some((segment) => segment === '')) return `the schema URN "${schema}" has an empty segment ("::")`
  return undefined
}

const failure = (problem: string): AttributePathCheck => ({ ok: false, problem })
