import { isScimError, ScimError } from '../errors.js'
import type { ResourceSchema } from '../schemas/attribute.js'
import { isJsonObject } from '../schemas/coerce-value.js'
import { type AttributeTarget, applyToAttribute } from './apply-to-attribute.js'
import { deleteMember, getMember, isJsonEqual, memberKey, setMember } from './json-members.js'
import { type PatchPath, parsePatchPath } from './parse-path.js'
import { describeOperation, type PatchOperation, type PatchOpName } from './parse-patch-request.js'
import { withPatchBudget } from './patch-budget.js'
import { type PatchTarget, resolvePatchTarget } from './patch-target.js'

/** The outcome of a PATCH on one resource. */
export interface PatchResult {
  document: Record<string, unknown>
  /** human-readable notes on skipped operations, for the provisioning log */
  ignored: string[]
  changed: boolean
}

/** Records why (part of) an operation was skipped. */
type Skip = (reason: string) => void

/**
 * Applies operations in order to a copy of `document` (never mutates it). Atomic by construction: it throws before
 * the caller writes anything. RFC 7644 §3.5.2, with Entra's shapes (field guide §1.5, §1.8, §5): path-less values
 * with dotted and URN keys, filtered adds that create elements, member removal by value list, unknown attributes
 * skipped and noted rather than failing the request. Errors are ScimErrors whose detail starts with `Operations[i]`.
 */
export function applyPatch(document: Record<string, unknown>, operations: PatchOperation[], resource: ResourceSchema): PatchResult {
  return withPatchBudget(() => applyOperations(document, operations, resource))
}

function applyOperations(document: Record<string, unknown>, operations: PatchOperation[], resource: ResourceSchema): PatchResult {
  const result = structuredClone(document)
  const ignored: string[] = []
  for (const operation of operations) {
    const where = describeOperation(operation.index, operation.op, operation.path?.raw)
    try {
      applyOperation(result, operation, resource, (reason) => ignored.push(`${where}: ${reason}; skipped.`))
    } catch (error) {
      if (isScimError(error)) throw new ScimError(error.status, `${where}: ${error.message}`, error.scimType, { cause: error })
      throw error
    }
  }
  listExtensionsPresent(document, result, resource)
  return { document: result, ignored, changed: !isJsonEqual(document, result) }
}

function applyOperation(document: Record<string, unknown>, operation: PatchOperation, resource: ResourceSchema, skip: Skip): void {
  const { op, path, value } = operation
  if (path) return applyAtPath(document, op, path, value, resource, skip, true)
  // parsePatchRequest guarantees an object here; checked again because applyPatch is public.
  if (!isJsonObject(value)) throw ScimError.invalidSyntax('without a "path", "value" must be an object of attribute names and values.')
  applyObject(document, op, value, undefined, resource, skip)
}

/**
 * A path-less add/replace: every key of `value` is a path of its own (`displayName`, `name.givenName`,
 * `urn:...:enterprise:2.0:User:employeeNumber`, or an extension URN holding an object), and only the keys given are
 * touched: `{"active":false}` changes `active` alone (field guide §5 #7-9; ssoready#206). Inside an extension object
 * (`scope`), unqualified keys belong to that extension.
 */
function applyObject(
  document: Record<string, unknown>,
  op: PatchOpName,
  value: Record<string, unknown>,
  scope: string | undefined,
  resource: ResourceSchema,
  skip: Skip,
): void {
  for (const [key, member] of Object.entries(value)) {
    // `schemas` is not an attribute one patches; clients echo it back with the rest of the resource.
    if (key.toLowerCase() === 'schemas') continue
    let path: PatchPath
    try {
      path = parsePatchPath(key)
    } catch (error) {
      if (!isScimError(error)) throw error
      skip(`"${key}" is not an attribute name (${error.message})`)
      continue
    }
    if (scope !== undefined && path.attribute.schema === undefined) {
      path = { ...path, attribute: { ...path.attribute, schema: scope.toLowerCase() } }
    }
    try {
      applyAtPath(document, op, path, member, resource, skip, scope === undefined)
    } catch (error) {
      // Clients echo read-only attributes back in a path-less value: Okta renames a group with
      // {"op":"replace","value":{"id":"…","displayName":"…"}}. An explicit path to one is still 400 mutability.
      if (!isScimError(error) || error.scimType !== 'mutability') throw error
      skip(`"${key}" is read-only, so its value in a path-less operation is ignored`)
    }
  }
}

function applyAtPath(
  document: Record<string, unknown>,
  op: PatchOpName,
  path: PatchPath,
  value: unknown,
  resource: ResourceSchema,
  skip: Skip,
  allowSchemaObject: boolean,
): void {
  const target = resolvePatchTarget(path, resource)
  switch (target.kind) {
    case 'skipped':
      return skip(target.reason)
    case 'attribute': {
      const container = containerOf(document, target, op !== 'remove')
      if (!container) return
      applyToAttribute(container, target, op, value)
      if (target.extension && Object.keys(container).length === 0) deleteMember(document, target.schemaId)
      return
    }
    case 'schema': {
      const isObject = isJsonObject(value) && op !== 'remove'
      if (!target.known && !isObject) return skip(`"${path.raw}" is not a schema of ${resource.name}`)
      if (op === 'remove' || value === null || value === undefined) return removeSchemaObject(document, target)
      if (!allowSchemaObject) return skip(`"${path.raw}" puts a schema object inside another schema object`)
      if (!isJsonObject(value)) {
        throw ScimError.invalidValue(`"${target.where}" names a whole schema, so "value" must be an object of its attributes.`)
      }
      // Keys of an unknown extension are qualified with its URN, which resolveAttribute maps to ours where it can.
      return applyObject(document, op, value, target.schemaId, resource, skip)
    }
  }
}

/** The object holding the attribute: the document itself, or the extension object under its canonical URN key. */
function containerOf(document: Record<string, unknown>, target: AttributeTarget, create: boolean): Record<string, unknown> | undefined {
  if (!target.extension) return document
  const key = memberKey(document, target.schemaId)
  const existing = key === undefined ? undefined : document[key]
  if (isJsonObject(existing)) {
    if (key !== target.schemaId) setMember(document, target.schemaId, existing)
    return existing
  }
  if (!create) return undefined
  const created: Record<string, unknown> = {}
  setMember(document, target.schemaId, created)
  return created
}

function removeSchemaObject(document: Record<string, unknown>, target: Extract<PatchTarget, { kind: 'schema' }>): void {
  if (!target.extension) {
    throw ScimError.invalidPath(`"${target.where}" names the whole resource, which cannot be removed by PATCH; name the attributes to remove.`)
  }
  deleteMember(document, target.schemaId)
}

/** Keeps `schemas` listing exactly the extensions whose objects the patch added or removed (RFC 7643 §3). */
function listExtensionsPresent(before: Record<string, unknown>, after: Record<string, unknown>, resource: ResourceSchema): void {
  const key = memberKey(after, 'schemas')
  const schemas = key === undefined ? undefined : after[key]
  if (key === undefined || !Array.isArray(schemas)) return
  let listed: unknown[] = schemas
  for (const { schema } of resource.extensions) {
    const had = isJsonObject(getMember(before, schema.id))
    const has = isJsonObject(getMember(after, schema.id))
    if (had === has) continue
    const isThisSchema = (entry: unknown): boolean => typeof entry === 'string' && entry.toLowerCase() === schema.id.toLowerCase()
    if (has && !listed.some(isThisSchema)) listed = [...listed, schema.id]
    if (!has) listed = listed.filter((entry) => !isThisSchema(entry))
  }
  after[key] = listed
}
