import { isJsonObject } from '../../scim/schemas/coerce-value.js'
import { MODERNLOOP_USER_SCHEMA_ID } from '../../scim/schemas/schema-ids.js'

const OUR_EXTENSION = MODERNLOOP_USER_SCHEMA_ID.toLowerCase()
/** Entra names custom attributes `urn:ietf:params:scim:schemas:extension:<AnyName>:2.0:User:<attr>` (field guide §2.1). */
const ANY_USER_EXTENSION = /^urn:ietf:params:scim:schemas:extension:[^:]+:2\.0:user$/

const roleIn = (object: Record<string, unknown>): unknown =>
  Object.entries(object).find(([key, value]) => key.toLowerCase() === 'modernlooprole' && value != null)?.[1]

/**
 * On create and replace, moves a role sent inside an extension object Roster does not publish (e.g.
 * `"urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User": {"modernloopRole": "ADMIN"}`) into Roster's
 * extension. Top-level and core-URN-qualified spellings need no help: schema resolution maps them (resolve-attribute.ts).
 */
export function liftRoleAliases(body: unknown): unknown {
  if (!isJsonObject(body)) return body
  let ourKey: string | undefined
  let foreignRole: unknown
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase()
    if (lower === OUR_EXTENSION) ourKey = key
    else if (ANY_USER_EXTENSION.test(lower) && isJsonObject(value)) foreignRole ??= roleIn(value)
  }
  if (foreignRole === undefined) return body
  const ours = ourKey !== undefined && isJsonObject(body[ourKey]) ? (body[ourKey] as Record<string, unknown>) : {}
  if (roleIn(ours) !== undefined) return body
  return { ...body, [ourKey ?? MODERNLOOP_USER_SCHEMA_ID]: { ...ours, modernloopRole: foreignRole } }
}
