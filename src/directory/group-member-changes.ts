import { ScimError } from '../scim/errors.js'
import type { FilterNode } from '../scim/filter/ast.js'
import { describeOperation, type PatchOperation } from '../scim/patch/parse-patch-request.js'
import type { PatchPath } from '../scim/patch/parse-path.js'
import { coerceValue, isJsonObject } from '../scim/schemas/coerce-value.js'
import { groupSchema } from '../scim/schemas/group-schema.js'
import { GROUP_SCHEMA_ID } from '../scim/schemas/schema-ids.js'

/**
 * One change to a group's membership, applied in SQL in request order. Membership is never part of the stored group
 * document: a 100,000-member group would make every rename rewrite a huge JSON value.
 */
export type MembershipChange =
  | { kind: 'add'; userIds: string[] }
  | { kind: 'remove'; userIds: string[] }
  | { kind: 'removeAll' }
  /** Remove every member, then add `userIds` (PATCH replace of `members`, PUT). */
  | { kind: 'replace'; userIds: string[] }

/** A group PATCH split in two: membership changes (SQL) and the operations on the document (applyPatch). */
export interface GroupPatchPlan {
  membership: MembershipChange[]
  documentOperations: PatchOperation[]
}

const CORE_GROUP_URN = GROUP_SCHEMA_ID.toLowerCase()

const membersDefinition = (() => {
  const definition = groupSchema.attributes.find((attribute) => attribute.name === 'members')
  if (!definition) throw new Error('The Group schema has no members attribute')
  return definition
})()

/**
 * Splits PATCH operations (RFC 7644 §3.5.2) into membership changes and document operations. Membership shapes
 * (field guide §1.8, §5 #18-#20): add/replace `members` with a value array (`$ref: null` accepted); remove `members`
 * with a value array (only those), with no value (all), or `members[value eq "x"]` (or-joined eqs allowed); a
 * `members` key in a path-less add/replace value. Other shapes on `members` → 400 invalidPath/invalidValue.
 */
export function planGroupPatch(operations: PatchOperation[]): GroupPatchPlan {
  const membership: MembershipChange[] = []
  const documentOperations: PatchOperation[] = []
  for (const operation of operations) {
    if (operation.path) {
      if (isMembersPath(operation.path)) membership.push(membershipChangeOf(operation, operation.path))
      else documentOperations.push(operation)
      continue
    }
    const { members, rest } = splitPathlessValue(operation)
    if (members !== undefined) {
      const userIds = memberIdsOf(members, `${describeOperation(operation.index, operation.op)}: value.members`)
      membership.push(operation.op === 'replace' ? { kind: 'replace', userIds } : { kind: 'add', userIds })
    }
    if (rest !== undefined) documentOperations.push({ ...operation, value: rest })
  }
  return { membership, documentOperations }
}

/**
 * The user ids of a `members` value: an array (or one element) of `{value, $ref?, display?, type?}` or bare ids.
 * `where` names the value in error details (`members`, `Operations[0] (add members): value`). Throws 400
 * invalidValue for an element without `value`, or one whose `type` is not `User` (Roster groups hold users; Entra
 * provisions only direct user members, field guide §1.8).
 */
export function memberIdsOf(value: unknown, where: string): string[] {
  const elements = Array.isArray(value) ? value : [value]
  const ids: string[] = []
  elements.forEach((element, index) => {
    const at = Array.isArray(value) ? `${where}[${index}]` : where
    // Coerced one by one so that error details keep the client's own indexes (coercion drops null elements).
    const [member] = (coerceValue(membersDefinition, element, at) ?? []) as unknown[]
    if (member === undefined) return
    if (!isJsonObject(member)) throw ScimError.invalidValue(`${at} must be an object like {"value":"<user id>"}.`)
    const id = member['value']
    if (typeof id !== 'string' || id.trim() === '') {
      throw ScimError.invalidValue(`${at} has no "value"; each member needs the id of a user, e.g. {"value":"usr_..."}.`)
    }
    const type = member['type']
    if (typeof type === 'string' && type.toLowerCase() !== 'user') {
      throw ScimError.invalidValue(`${at} has type "${type}"; Roster groups hold users only (nested groups are not supported).`)
    }
    ids.push(id)
  })
  return [...new Set(ids)]
}

/** `members`, `urn:...:core:2.0:Group:members`, `members[...]`, `members.value`. */
function isMembersPath(path: PatchPath): boolean {
  const { schema, attribute } = path.attribute
  return attribute === 'members' && (schema === undefined || schema === CORE_GROUP_URN)
}

function membershipChangeOf(operation: PatchOperation, path: PatchPath): MembershipChange {
  const where = describeOperation(operation.index, operation.op, path.raw)
  if (path.subAttribute !== undefined) {
    throw ScimError.invalidPath(
      `${where}: member sub-attributes cannot be changed; add or remove whole members (path "members" or members[value eq "<id>"]).`,
    )
  }
  if (path.filter) {
    if (operation.op !== 'remove') {
      throw ScimError.invalidPath(`${where}: a filtered members path only works with "remove"; to add, use path "members" with a value array.`)
    }
    return { kind: 'remove', userIds: idsSelectedBy(path.filter, where) }
  }
  if (operation.op === 'remove') {
    // RFC 7644 §3.5.2.2: no value removes every member; Entra's default form lists the members to remove (§5 #18).
    if (operation.value === undefined || operation.value === null) return { kind: 'removeAll' }
    return { kind: 'remove', userIds: memberIdsOf(operation.value, `${where}: value`) }
  }
  if (operation.value === undefined || operation.value === null) {
    throw ScimError.invalidValue(`${where}: "${operation.op}" of members needs a value array such as [{"value":"<user id>"}].`)
  }
  const userIds = memberIdsOf(operation.value, `${where}: value`)
  return operation.op === 'replace' ? { kind: 'replace', userIds } : { kind: 'add', userIds }
}

/** The ids of `value eq "x"` comparisons, joined by `or`; anything else is refused rather than guessed. */
function idsSelectedBy(filter: FilterNode, where: string): string[] {
  if (filter.kind === 'or') return [...new Set([...idsSelectedBy(filter.left, where), ...idsSelectedBy(filter.right, where)])]
  if (
    filter.kind === 'compare' &&
    filter.operator === 'eq' &&
    filter.path.attribute === 'value' &&
    filter.path.subAttribute === undefined &&
    (typeof filter.value === 'string' || typeof filter.value === 'number')
  ) {
    return [String(filter.value)]
  }
  throw ScimError.invalidPath(
    `${where}: members can be selected only by id, as members[value eq "<user id>"] (several joined with "or").`,
  )
}

/**
 * A path-less value's `members` (plain or core-URN-qualified key, or inside a core-URN object) and the rest, which
 * goes to applyPatch. `rest` is undefined when nothing else is left.
 */
function splitPathlessValue(operation: PatchOperation): { members?: unknown; rest?: Record<string, unknown> } {
  const value = operation.value
  if (!isJsonObject(value)) return { rest: undefined }
  let members: unknown
  const rest: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(value)) {
    const lower = key.toLowerCase()
    if (lower === 'members' || lower === `${CORE_GROUP_URN}:members`) {
      members = mergeMembers(members, entry)
    } else if (lower === CORE_GROUP_URN && isJsonObject(entry)) {
      const inner: Record<string, unknown> = {}
      for (const [innerKey, innerValue] of Object.entries(entry)) {
        if (innerKey.toLowerCase() === 'members') members = mergeMembers(members, innerValue)
        else inner[innerKey] = innerValue
      }
      if (Object.keys(inner).length) rest[key] = inner
    } else {
      rest[key] = entry
    }
  }
  const result: { members?: unknown; rest?: Record<string, unknown> } = {}
  if (members !== undefined && members !== null) result.members = members
  if (Object.keys(rest).length) result.rest = rest
  return result
}

function mergeMembers(existing: unknown, more: unknown): unknown {
  if (existing === undefined || existing === null) return more
  if (more === undefined || more === null) return existing
  const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value])
  return [...asList(existing), ...asList(more)]
}
