import { ScimError } from '../../scim/errors.js'
import type { PatchOperation } from '../../scim/patch/parse-patch-request.js'
import { ALLOWED_ROLE_VALUES, mostPrivileged, parseRoleValue, roleFromRolesAttribute } from './role-mapping.js'
import type { Role, ScimDocument } from '../types.js'
import { documentRoleValue } from './document-role.js'

/** What a PATCH started from, to tell what the request itself said about the role. */
export interface PatchedFrom {
  document: ScimDocument
  /** The request replaced or removed `roles` as a whole, so the new array is the full truth. */
  rolesReplaced: boolean
}

/**
 * The role a write carries, or undefined when it carries none (the caller keeps the current role, or defaults a new
 * user). Candidates are `modernloopRole` (any spelling, already lifted into our extension) and the `roles` attribute;
 * when several arrive, the most privileged wins. On PATCH only what the request said counts: a changed
 * `modernloopRole`, and of `roles` the elements it added. Entra's AppRoleAssignmentsComplex only ever adds (field
 * guide §2.4), so a lowered role arrives as an Add next to the stale higher one, which must not win again.
 */
export function roleOfWrite(document: ScimDocument, patchedFrom?: PatchedFrom): Role | undefined {
  const candidates: Role[] = []
  const written = documentRoleValue(document)
  const explicit = parseRoleValue(written)
  if (explicit.kind === 'invalid') {
    throw ScimError.invalidValue(`modernloopRole "${explicit.value}" is not a role. Allowed values: ${ALLOWED_ROLE_VALUES}.`)
  }
  if (explicit.kind === 'role' && (!patchedFrom || written !== documentRoleValue(patchedFrom.document))) candidates.push(explicit.role)
  const fromRoles = roleFromRolesAttribute(patchedFrom && !patchedFrom.rolesReplaced ? addedElements(patchedFrom.document.roles, document.roles) : document.roles)
  if (fromRoles) candidates.push(fromRoles)
  return mostPrivileged(candidates)
}

/** Elements of `after` that were not in `before` (compared as JSON). */
function addedElements(before: unknown, after: unknown): unknown[] {
  const previous = new Set((Array.isArray(before) ? before : []).map((element) => JSON.stringify(element)))
  return (Array.isArray(after) ? after : []).filter((element) => !previous.has(JSON.stringify(element)))
}

/**
 * Whether a PATCH might carry a role (a superset: any path or value that mentions "role"). Such a PATCH reads the
 * organization's role management under a share lock before it locks the member, the order a mode switch uses.
 */
export function mayCarryRole(operations: readonly PatchOperation[]): boolean {
  return operations.some((operation) => /role/i.test(operation.path?.raw ?? '') || /role/i.test(JSON.stringify(operation.value ?? null)))
}

/** Whether a PATCH replaces or removes `roles` as a whole (by path, or as a key of a path-less replace). */
export function replacesRoles(operations: readonly PatchOperation[]): boolean {
  return operations.some((operation) => {
    if (operation.op === 'add') return false
    if (operation.path) return operation.path.attribute.attribute === 'roles' && !operation.path.filter && !operation.path.subAttribute
    const value = operation.value
    return value !== null && typeof value === 'object' && Object.keys(value).some((key) => key.toLowerCase() === 'roles')
  })
}
