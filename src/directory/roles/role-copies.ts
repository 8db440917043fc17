import { ScimError } from '../../scim/errors.js'
import type { PatchOperation } from '../../scim/patch/parse-patch-request.js'
import { isJsonObject } from '../../scim/schemas/coerce-value.js'
import { MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID } from '../../scim/schemas/schema-ids.js'
import { parseRoleValue } from './role-mapping.js'
import type { Role } from '../types.js'

const ROLE = 'modernlooprole'
const OUR_EXTENSION = MODERNLOOP_USER_SCHEMA_ID.toLowerCase()
/** Flat keys that name the role: top-level, core-URN-qualified and extension-qualified. */
const FLAT_ROLE_KEYS = new Set([ROLE, `${USER_SCHEMA_ID.toLowerCase()}:${ROLE}`, `${OUR_EXTENSION}:${ROLE}`])

interface RoleCopy {
  key: string
  role: Role
}

/**
 * Makes the outcome of a write that carries the role twice independent of JSON key order. Reads return the role both
 * top-level and in Roster's extension, so a client that reads a user and writes it back (Okta's get-then-PUT) may send
 * both, one of them stale: the copy that differs from the stored role is the change, whatever its position. Two copies
 * that differ from the stored role and from each other are a 400 naming both (on create, with no stored role, any two
 * different copies). Empty copies (null, "") say nothing and are left to the usual rule; invalid ones are left for
 * validation to refuse. Returns the body with one role copy, in the extension, when it had several.
 */
export function reconcileRoleCopies(body: unknown, stored: Role | undefined): unknown {
  if (!isJsonObject(body)) return body
  const copies = roleCopiesOf(body)
  const distinct = [...new Set(copies.map((copy) => copy.role))]
  if (distinct.length < 2) return body
  const changes = distinct.filter((role) => role !== stored)
  if (changes.length > 1) {
    const named = copies.filter((copy) => changes.includes(copy.role)).map((copy) => `"${copy.key}": "${copy.role}"`)
    throw ScimError.invalidValue(
      `The request gives two different roles (${[...new Set(named)].join(' and ')})${stored ? ` and neither is the current role ${stored}` : ''}; send one role.`,
    )
  }
  return withRole(body, changes[0] ?? stored!)
}

/** Applies `reconcileRoleCopies` to the value of every path-less add/replace (a whole resource written back by PATCH). */
export function reconcilePatchRoleCopies(operations: PatchOperation[], stored: Role): PatchOperation[] {
  return operations.map((operation) =>
    operation.path === undefined && operation.op !== 'remove' && isJsonObject(operation.value)
      ? { ...operation, value: reconcileRoleCopies(operation.value, stored) }
      : operation,
  )
}

function roleCopiesOf(body: Record<string, unknown>): RoleCopy[] {
  const copies: RoleCopy[] = []
  const add = (key: string, value: unknown): void => {
    const parsed = parseRoleValue(value)
    if (parsed.kind === 'role') copies.push({ key, role: parsed.role })
  }
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase()
    if (FLAT_ROLE_KEYS.has(lower)) add(key, value)
    else if (lower === OUR_EXTENSION && isJsonObject(value)) {
      for (const [name, member] of Object.entries(value)) if (name.toLowerCase() === ROLE) add(`${key}:${name}`, member)
    }
  }
  return copies
}

/** The body with every role copy removed and `role` written once, in Roster's extension. */
function withRole(body: Record<string, unknown>, role: Role): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  let extension: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase()
    if (FLAT_ROLE_KEYS.has(lower)) continue
    if (lower === OUR_EXTENSION && isJsonObject(value)) {
      extension = Object.fromEntries(Object.entries(value).filter(([name]) => name.toLowerCase() !== ROLE))
      continue
    }
    result[key] = value
  }
  result[MODERNLOOP_USER_SCHEMA_ID] = { ...extension, modernloopRole: role }
  return result
}
