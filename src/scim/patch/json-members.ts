import { isJsonObject } from '../schemas/coerce-value.js'

/**
 * Case-insensitive member access on SCIM JSON objects (RFC 7643 §2.1: attribute names and schema URNs are
 * case-insensitive), so a stored `Name` or a lower-cased extension key is found and rewritten under its canonical name.
 */

/** The key of `object` that spells `name` in any case, preferring the exact spelling. */
export function memberKey(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name
  const lower = name.toLowerCase()
  return Object.keys(object).find((key) => key.toLowerCase() === lower)
}

/** The value of `name` in any case, or undefined. */
export function getMember(object: Record<string, unknown>, name: string): unknown {
  const key = memberKey(object, name)
  return key === undefined ? undefined : object[key]
}

/** Sets `object[canonicalName]`, dropping any other spelling of the same name. */
export function setMember(object: Record<string, unknown>, canonicalName: string, value: unknown): void {
  for (const key of Object.keys(object)) {
    if (key !== canonicalName && key.toLowerCase() === canonicalName.toLowerCase()) delete object[key]
  }
  object[canonicalName] = value
}

/** Deletes every spelling of `name`; true when something was there. */
export function deleteMember(object: Record<string, unknown>, name: string): boolean {
  let deleted = false
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === name.toLowerCase()) {
      delete object[key]
      deleted = true
    }
  }
  return deleted
}

/** Deep equality of JSON values; object key order does not matter. Used to tell whether a PATCH changed anything. */
export function isJsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((element, index) => isJsonEqual(element, b[index]))
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && isJsonEqual(a[key], b[key]))
  }
  return false
}
