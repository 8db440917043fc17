import type { ResourceSchema } from '../schemas/attribute.js'
import { groupResourceSchema, userResourceSchema } from '../schemas/resource-schemas.js'
import { GROUP_SCHEMA_ID, USER_SCHEMA_ID } from '../schemas/schema-ids.js'
import { applyPatch, type PatchResult } from './apply-patch.js'
import { PATCH_OP_SCHEMA, parsePatchRequest } from './parse-patch-request.js'

/** Test support for the PATCH tests: documents as Roster stores them, and a parse-then-apply shortcut. */

/** A stored user document (canonical names, no id/meta), as `coerceResource` writes it. */
export const storedUser = (): Record<string, unknown> => ({
  schemas: [USER_SCHEMA_ID],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'ann@contoso.com',
  active: true,
  displayName: 'Ann Lee',
  name: { formatted: 'Ann Lee', familyName: 'Lee', givenName: 'Ann' },
  emails: [{ value: 'ann@contoso.com', type: 'work', primary: true }],
})

/** A stored group document with members u1 and u2. */
export const storedGroup = (): Record<string, unknown> => ({
  schemas: [GROUP_SCHEMA_ID],
  externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
  displayName: 'Engineering',
  members: [
    { value: 'u1', display: 'Ann' },
    { value: 'u2', display: 'Bob' },
  ],
})

/** Parses `operations` as a PatchOp body (as the HTTP layer does) and applies them. */
export function patch(resource: ResourceSchema, document: Record<string, unknown>, ...operations: unknown[]): PatchResult {
  return applyPatch(document, parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }, { maxOperations: 100 }), resource)
}

/** Parse-then-apply on a user document. */
export const patchUser = (document: Record<string, unknown>, ...operations: unknown[]): PatchResult =>
  patch(userResourceSchema, document, ...operations)

/** Parse-then-apply on a group document. */
export const patchGroup = (document: Record<string, unknown>, ...operations: unknown[]): PatchResult =>
  patch(groupResourceSchema, document, ...operations)

/** Freezes `value` and everything inside it, so that any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member)
    Object.freeze(value)
  }
  return value
}
