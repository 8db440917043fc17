import type { ScimDocument } from '../directory/types.js'
import { isSecretAttribute, REDACTED, scrubValue } from './redact.js'
import type { AttributeChange } from './types.js'

/** Attributes that are bookkeeping, not data: never reported as changes. */
const SKIPPED = new Set(['schemas', 'id', 'meta', 'groups', 'members'])

/** Most changes one entry keeps; a larger diff ends with a `(more)` change counting the rest. */
export const MAX_CHANGES = 100
/** Longest JSON of one value kept; a longer value is cut and marked. */
export const MAX_VALUE_CHARS = 1000

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * Flattens a document to leaf paths: complex attributes as `name.givenName`, extension attributes as
 * `<schema URN>:<attribute>` (RFC 7644 §3.10 notation). Multi-valued attributes stay whole: an `emails` change
 * shows both arrays, which is what an admin compares.
 */
function flatten(value: Record<string, unknown>, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  for (const [key, inner] of Object.entries(value)) {
    if (prefix === '' && SKIPPED.has(key)) continue
    if (inner === undefined || inner === null) continue
    const path = prefix + key
    if (isObject(inner)) flatten(inner, prefix === '' && key.startsWith('urn:') ? `${key}:` : `${path}.`, out)
    else out.set(path, inner)
  }
  return out
}

/** JSON with sorted object keys, so that two equal values always compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isObject(inner) ? Object.fromEntries(Object.keys(inner).sort().map((k) => [k, inner[k]])) : inner,
  )
}

function loggable(path: string, value: unknown): unknown {
  if (value === undefined) return null
  if (isSecretAttribute(path)) return REDACTED
  const scrubbed = scrubValue(value)
  const json = JSON.stringify(scrubbed)
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS)}… (truncated)` : scrubbed
}

/**
 * What changed between two SCIM documents, attribute by attribute, sorted by path. Pure. `before` null is a create
 * (every attribute from null), `after` null a delete. Secret attributes (`password`) appear as changed with their
 * value redacted; values are bounded (MAX_VALUE_CHARS) and so is the list (MAX_CHANGES).
 */
export function diffDocuments(before: ScimDocument | null, after: ScimDocument | null): AttributeChange[] {
  const old = flatten(before ?? {}, '', new Map())
  const now = flatten(after ?? {}, '', new Map())
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort()
  const changes: AttributeChange[] = []
  let more = 0
  for (const path of paths) {
    const a = old.get(path)
    const b = now.get(path)
    // Most leaves are strings and booleans: equal at a glance; only arrays need the canonical comparison.
    if (a !== undefined && b !== undefined && (a === b || (typeof a === 'object' && typeof b === 'object' && canonical(a) === canonical(b)))) continue
    if (changes.length >= MAX_CHANGES) {
      more++
      continue
    }
    changes.push({ attribute: path, before: loggable(path, a), after: loggable(path, b) })
  }
  if (more > 0) changes.push({ attribute: '(more)', before: null, after: `${more} more changed attributes not shown` })
  return changes
}
