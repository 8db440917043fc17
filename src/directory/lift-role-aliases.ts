import { MODERNLOOP_USER_SCHEMA_ID } from '../scim/schemas/schema-ids.js'

const CORE_ROLE_KEY = 'urn:ietf:params:scim:schemas:core:2.0:user:modernlooprole'
const EXTENSION_KEY = MODERNLOOP_USER_SCHEMA_ID.toLowerCase()

/**
 * Moves a role written top-level (`modernloopRole`, or Entra's core-qualified
 * `urn:ietf:params:scim:schemas:core:2.0:User:modernloopRole`, zulip#39773) into Roster's extension object, where the
 * schema keeps it. Names compare case-insensitively; an explicit extension value wins over an alias.
 */
export function liftRoleAliases(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body
  const input = body as Record<string, unknown>
  let alias: unknown
  let extensionKey: string | undefined
  const output: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase()
    if (lower === 'modernlooprole' || lower === CORE_ROLE_KEY) {
      if (value !== null && value !== undefined) alias = value
      continue
    }
    if (lower === EXTENSION_KEY) extensionKey = key
    output[key] = value
  }
  if (alias === undefined) return body
  const existing = extensionKey ? output[extensionKey] : undefined
  const extension = existing && typeof existing === 'object' && !Array.isArray(existing) ? { ...(existing as object) } : {}
  const hasExplicit = Object.keys(extension).some((k) => k.toLowerCase() === 'modernlooprole' && (extension as Record<string, unknown>)[k] != null)
  if (!hasExplicit) (extension as Record<string, unknown>).modernloopRole = alias
  output[extensionKey ?? MODERNLOOP_USER_SCHEMA_ID] = extension
  return output
}
