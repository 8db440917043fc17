import { foldCase } from '../fold-case.js'
import type { CompareOperator } from './ast.js'

/**
 * One resource value against one filter value, RFC 7644 §3.4.2.2: strings case-insensitively unless `caseExact`
 * (ordering is lexicographic, or by instant when both are ISO dateTimes); numbers numerically; booleans with eq only,
 * where "true"/"False" strings equal the boolean because Entra writes booleans as strings. Mismatched types → false.
 * `ne` and `null` are decided by the caller (they are about the attribute as a whole, not one value).
 */
export function compareValues(
  actual: unknown,
  operator: CompareOperator,
  expected: string | number | boolean,
  caseExact: boolean,
): boolean {
  if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    if (operator !== 'eq') return false
    const actualBoolean = asBoolean(actual)
    return actualBoolean !== undefined && actualBoolean === asBoolean(expected)
  }
  if (typeof expected === 'number') {
    return typeof actual === 'number' && compareOrdered(operator, actual, expected)
  }
  if (typeof actual !== 'string') return false

  if (operator !== 'co' && operator !== 'sw' && operator !== 'ew') {
    const actualInstant = parseDateTime(actual)
    const expectedInstant = actualInstant === undefined ? undefined : parseDateTime(expected)
    if (actualInstant !== undefined && expectedInstant !== undefined) return compareOrdered(operator, actualInstant, expectedInstant)
  }
  // Folded as the store keys its case-insensitive columns, so a filter means the same in SQL and in memory.
  const left = caseExact ? actual : foldCase(actual)
  const right = caseExact ? expected : foldCase(expected)
  switch (operator) {
    case 'co':
      return left.includes(right)
    case 'sw':
      return left.startsWith(right)
    case 'ew':
      return left.endsWith(right)
    default:
      return compareOrdered(operator, left, right)
  }
}

/** eq/gt/ge/lt/le on two values of one ordered type (strings by UTF-16 code unit, like a binary collation). */
function compareOrdered<T extends string | number>(operator: CompareOperator, left: T, right: T): boolean {
  switch (operator) {
    case 'eq':
      return left === right
    case 'gt':
      return left > right
    case 'ge':
      return left >= right
    case 'lt':
      return left < right
    case 'le':
      return left <= right
    default:
      return false
  }
}

/** Booleans, and the strings "true"/"false" in any case (Entra sends `"True"`, `"False"`). */
function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string' || (value.length !== 4 && value.length !== 5)) return undefined
  const lower = value.toLowerCase()
  return lower === 'true' ? true : lower === 'false' ? false : undefined
}

/** xsd:dateTime as SCIM uses it (RFC 7643 §2.3.5); a missing zone is read as UTC so results never depend on the host. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/i

/** Milliseconds since the epoch when `text` is an ISO dateTime, otherwise undefined. */
export function parseDateTime(text: string): number | undefined {
  if (text.length < 19 || text.length > 35 || text.charCodeAt(4) !== 0x2d) return undefined
  const match = DATE_TIME.exec(text)
  if (!match) return undefined
  const instant = Date.parse(match[1] === undefined ? `${text}Z` : text.toUpperCase())
  return Number.isNaN(instant) ? undefined : instant
}
