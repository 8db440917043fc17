import { isScimError, ScimError } from '../errors.js'
import type { AttributePath, FilterNode } from '../filter/ast.js'
import { parseAttributePath, parseFilter } from '../filter/parse-filter.js'

/**
 * A PATCH `path` (RFC 7644 §3.5.2: `attrPath / valuePath [subAttr]`). `attribute` never carries a sub-attribute:
 * `name.givenName` and `emails[type eq "work"].value` both put it in `subAttribute`. A bare schema URN (the whole
 * extension object) has `attribute.schema` = the URN and `attribute.attribute` = '' (empty).
 */
export interface PatchPath {
  attribute: AttributePath
  filter?: FilterNode
  /** Lower-cased. */
  subAttribute?: string
  raw: string
}

/** Longer paths are abuse, not Entra: its longest are URN-qualified attribute names of about 80 characters. */
const MAX_PATH_LENGTH = 4096

/**
 * `urn:...:extension:enterprise:2.0:User` (no attribute after it): the segment before the last is a version, as in
 * every SCIM schema URN (RFC 7643 §3.3, §8.7). `urn:...:2.0:User:manager` does not match: `User` is no version.
 */
const BARE_SCHEMA_URN = /^urn:[^\s[\]]+:\d+(?:\.\d+)*:[A-Za-z][\w-]*$/i

/** `.givenName` after a value filter's closing bracket (RFC 7643 §2.1 ATTRNAME, plus `$ref`). */
const SUB_ATTRIBUTE_SUFFIX = /^\.(\$ref|[A-Za-z][\w-]*)$/

const invalidPath = (raw: string, why: string, cause?: unknown): ScimError =>
  ScimError.of('invalidPath', `Invalid path "${raw}": ${why}`, cause === undefined ? undefined : { cause })

/** The detail of a ScimError thrown by the filter grammar, for wrapping it as invalidPath. */
const detailOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * `name.givenName`, `emails[type eq "work"].value`, `members[value eq "x"]`, `urn:...:enterprise:2.0:User:manager`,
 * `urn:...:core:2.0:User:userName`, a bare extension URN (the whole extension object). Throws ScimError 400 invalidPath.
 */
export function parsePatchPath(text: string): PatchPath {
  const raw = text
  const trimmed = text.trim()
  if (trimmed === '') throw invalidPath(raw, 'the path is empty.')
  if (trimmed.length > MAX_PATH_LENGTH) throw invalidPath(`${raw.slice(0, 40)}...`, `longer than ${MAX_PATH_LENGTH} characters.`)

  const open = trimmed.indexOf('[')
  if (open === -1) {
    if (BARE_SCHEMA_URN.test(trimmed)) return { attribute: { schema: trimmed.toLowerCase(), attribute: '', raw: trimmed }, raw }
    const { subAttribute, ...attribute } = parseAttribute(trimmed, raw)
    return subAttribute === undefined ? { attribute, raw } : { attribute, subAttribute, raw }
  }

  const close = closingBracket(trimmed, open, raw)
  const { subAttribute: nested, ...attribute } = parseAttribute(trimmed.slice(0, open), raw)
  if (nested !== undefined) throw invalidPath(raw, `a value filter applies to a multi-valued attribute, not to the sub-attribute "${attribute.attribute}.${nested}".`)
  const filterText = trimmed.slice(open + 1, close)
  if (filterText.trim() === '') throw invalidPath(raw, 'the value filter between "[" and "]" is empty.')
  const filter = parseValueFilter(filterText, raw)
  const rest = trimmed.slice(close + 1)
  if (rest === '') return { attribute, filter, raw }
  const suffix = SUB_ATTRIBUTE_SUFFIX.exec(rest)
  if (!suffix?.[1]) throw invalidPath(raw, `expected nothing or ".subAttribute" after "]", found "${rest}".`)
  return { attribute, filter, subAttribute: suffix[1].toLowerCase(), raw }
}

function parseAttribute(text: string, raw: string): AttributePath {
  if (text.trim() === '') throw invalidPath(raw, 'expected an attribute name before "[".')
  try {
    return parseAttributePath(text.trim())
  } catch (error) {
    // The grammar's own detail already quotes the whole path when there is no value filter around it.
    if (isScimError(error) && error.scimType === 'invalidPath' && text.trim() === raw.trim()) throw error
    if (isScimError(error)) throw invalidPath(raw, detailOf(error), error)
    throw error
  }
}

function parseValueFilter(text: string, raw: string): FilterNode {
  try {
    return parseFilter(text)
  } catch (error) {
    if (isScimError(error)) throw invalidPath(raw, `the value filter "${text}" is invalid: ${detailOf(error)}`, error)
    throw error
  }
}

/** Index of the `]` closing the value filter opened at `open`, skipping brackets inside quoted strings. */
function closingBracket(text: string, open: number, raw: string): number {
  let inString = false
  for (let i = open + 1; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
    } else if (char === '"') {
      inString = true
    } else if (char === '[') {
      throw invalidPath(raw, `value filters cannot be nested (second "[" at character ${i + 1}).`)
    } else if (char === ']') {
      return i
    }
  }
  throw invalidPath(raw, inString ? 'a quoted string in the value filter is not closed.' : 'the value filter has no closing "]".')
}
