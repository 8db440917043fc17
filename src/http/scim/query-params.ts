import { ScimError } from '../../scim/errors.js'

type Query = Record<string, unknown>

/** A query parameter as one string; repeated parameters are joined, as `attributes=a&attributes=b` means a,b. */
export function stringParam(query: Query, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(query)) {
    if (key.toLowerCase() !== lower) continue
    if (typeof value === 'string') return value
    if (Array.isArray(value)) return value.join(',')
    if (value !== undefined) throw ScimError.invalidValue(`The ${name} parameter must be text.`)
  }
  return undefined
}
