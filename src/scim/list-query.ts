import { ScimError } from './errors.js'
import type { FilterNode } from './filter/ast.js'
import { parseFilter } from './filter/parse-filter.js'
import { parseProjection, type Projection } from './projection.js'

/** A parsed list request: RFC 7644 §3.4.2 filter, 1-based paging, projection. */
export interface ListQueryParameters {
  filter?: FilterNode
  startIndex: number
  count: number
  projection: Projection
  /** The filter as sent (trimmed), '' for none: what a cursor is bound to. */
  filterText: string
  /**
   * RFC 9865 cursor paging: present (possibly '', meaning the first page) when the request pages by cursor; the
   * route decodes it, since a cursor is bound to the organization.
   */
  cursor?: string
}

/** The query parameters this module reads, by lower-cased name. */
const KNOWN_PARAMETERS = ['filter', 'startindex', 'count', 'attributes', 'excludedattributes', 'sortby', 'sortorder', 'cursor'] as const
type KnownParameter = (typeof KNOWN_PARAMETERS)[number]
const isKnownParameter = (name: string): name is KnownParameter => (KNOWN_PARAMETERS as readonly string[]).includes(name)

/**
 * Parses query parameters (names case-insensitive; unknown ones such as Entra's `aadOptscim062020` ignored).
 * startIndex < 1 → 1; count < 0 → 0; count above `maxCount` → maxCount; non-integer → 400 invalidValue.
 * sortBy/sortOrder are accepted and ignored (ServiceProviderConfig says sort is unsupported).
 * A parameter given twice is 400 invalidValue; a bad filter is 400 invalidFilter, a bad attribute path 400 invalidPath.
 * `cursor` (RFC 9865) selects cursor paging, so it cannot be combined with startIndex (400 invalidValue).
 */
export function parseListQuery(query: Record<string, unknown>, options: { defaultCount: number; maxCount: number }): ListQueryParameters {
  const values = new Map<KnownParameter, string>()
  for (const [name, value] of Object.entries(query)) {
    const key = name.toLowerCase()
    if (!isKnownParameter(key) || value === undefined) continue
    if (values.has(key) || (Array.isArray(value) && value.length > 1)) {
      throw ScimError.invalidValue(`The query parameter ${name} was given more than once; give it once`)
    }
    values.set(key, parameterText(name, Array.isArray(value) ? value[0] : value))
  }

  const filterText = values.get('filter')?.trim() ?? ''
  const cursor = values.get('cursor')
  if (cursor !== undefined && values.get('startindex') !== undefined) {
    throw ScimError.invalidValue('startIndex and cursor select two ways of paging; give one of them (RFC 9865)')
  }
  const startIndex = Math.max(1, parseInteger('startIndex', values.get('startindex')) ?? 1)
  const requestedCount = parseInteger('count', values.get('count')) ?? options.defaultCount
  const count = Math.min(Math.max(0, requestedCount), options.maxCount)
  const parameters: ListQueryParameters = {
    startIndex,
    count,
    projection: parseProjection(values.get('attributes'), values.get('excludedattributes')),
    filterText,
  }
  if (cursor !== undefined) parameters.cursor = cursor.trim()
  // An empty `filter=` (some clients send it) means no filter rather than an error.
  if (filterText !== '') parameters.filter = parseFilter(filterText)
  return parameters
}

function parameterText(name: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw ScimError.invalidValue(`The query parameter ${name} must be text`)
}

/**
 * RFC 7644 §3.4.2.4: startIndex and count are integers. Empty text counts as absent. Huge values are clamped to
 * Number.MAX_SAFE_INTEGER so that a database OFFSET never sees an unsafe number.
 */
function parseInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const trimmed = text.trim()
  if (!/^[+-]?\d+$/.test(trimmed)) {
    throw ScimError.invalidValue(`${name} must be an integer, got "${trimmed.length > 30 ? `${trimmed.slice(0, 27)}...` : trimmed}"`)
  }
  const value = Number(trimmed)
  return Math.min(Math.max(value, -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER)
}
