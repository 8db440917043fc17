import { isScimError, ScimError } from '../errors.js'
import { isJsonObject } from '../schemas/coerce-value.js'
import { type PatchPath, parsePatchPath } from './parse-path.js'

/** RFC 7644 §3.5.2: the `schemas` value of a PATCH body. */
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

export type PatchOpName = 'add' | 'replace' | 'remove'

/** One validated element of `Operations`. */
export interface PatchOperation {
  op: PatchOpName
  path?: PatchPath
  value?: unknown
  /** 0-based position in Operations, for error details */
  index: number
}

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove']

/** `Operations[2] (replace emails[type eq "work"].value)`: how error details and notes name an operation. */
export function describeOperation(index: number, op?: string, path?: string): string {
  const what = [op, path].filter((part) => part !== undefined && part !== '').join(' ')
  return what === '' ? `Operations[${index}]` : `Operations[${index}] (${what})`
}

/** A member of `object` by name, case-insensitively: RFC 7643 §2.1 makes attribute names case-insensitive. */
function memberOf(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name]
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : object[key]
}

/**
 * Validates a PatchOp body. `op` is case-insensitive (Entra: "Add", "Replace", "Remove"). Errors (ScimError, detail
 * names the operation index): not an object / no Operations array / empty Operations / more than maxOperations → 400
 * invalidSyntax (empty: RFC 7644 §3.5.2 requires one or more); unknown op → 400 invalidSyntax; remove without path →
 * 400 noTarget; add/replace without path whose value is not an object → 400 invalidSyntax; a `schemas` that is present
 * but lacks the PatchOp URN → 400 invalidSyntax (a missing `schemas` is tolerated). Paths parsed with parsePatchPath.
 */
export function parsePatchRequest(body: unknown, options: { maxOperations: number }): PatchOperation[] {
  if (!isJsonObject(body)) {
    throw ScimError.invalidSyntax(`A PATCH body must be a JSON object {"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[...]}.`)
  }
  const schemas = memberOf(body, 'schemas')
  if (schemas !== undefined && !isPatchOpSchemas(schemas)) {
    throw ScimError.invalidSyntax(`"schemas" must be ["${PATCH_OP_SCHEMA}"] in a PATCH body, got ${JSON.stringify(schemas)}.`)
  }
  const operations = memberOf(body, 'Operations')
  if (!Array.isArray(operations)) {
    throw ScimError.invalidSyntax('A PATCH body needs an "Operations" array (RFC 7644 §3.5.2).')
  }
  if (operations.length === 0) {
    throw ScimError.invalidSyntax('"Operations" is empty; RFC 7644 §3.5.2 requires at least one operation.')
  }
  if (operations.length > options.maxOperations) {
    throw ScimError.invalidSyntax(
      `"Operations" has ${operations.length} operations; at most ${options.maxOperations} are accepted in one PATCH. Split the request.`,
    )
  }
  return operations.map((operation, index) => parseOperation(operation, index))
}

function isPatchOpSchemas(schemas: unknown): boolean {
  const list = Array.isArray(schemas) ? schemas : [schemas]
  return list.some((schema) => typeof schema === 'string' && schema.trim().toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
}

function parseOperation(operation: unknown, index: number): PatchOperation {
  if (!isJsonObject(operation)) {
    throw ScimError.invalidSyntax(`${describeOperation(index)}: an operation must be an object with "op", "path" and "value".`)
  }
  const opText = memberOf(operation, 'op')
  const rawPath = memberOf(operation, 'path')
  const value = memberOf(operation, 'value')
  const pathText = typeof rawPath === 'string' ? rawPath : undefined
  const where = describeOperation(index, typeof opText === 'string' ? opText : undefined, pathText)

  if (typeof opText !== 'string') throw ScimError.invalidSyntax(`${where}: "op" must be one of "add", "replace" or "remove".`)
  const op = OP_NAMES.find((name) => name === opText.trim().toLowerCase())
  if (!op) throw ScimError.invalidSyntax(`${where}: unknown op "${opText}"; expected "add", "replace" or "remove".`)
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw ScimError.invalidSyntax(`${where}: "path" must be a string, got ${JSON.stringify(rawPath)}.`)
  }

  // An empty path is how some clients spell "no path"; it means the same as leaving it out.
  const path = pathText === undefined || pathText.trim() === '' ? undefined : parsePathOf(pathText, where)
  if (!path) {
    if (op === 'remove') {
      throw ScimError.noTarget(`${where}: "remove" needs a "path" naming what to remove (RFC 7644 §3.5.2.2).`)
    }
    if (!isJsonObject(value)) {
      throw ScimError.invalidSyntax(
        `${where}: without a "path", "value" must be an object of attribute names and values, e.g. {"active":false}.`,
      )
    }
  }
  const parsed: PatchOperation = { op, index }
  if (path) parsed.path = path
  if (value !== undefined) parsed.value = value
  return parsed
}

function parsePathOf(text: string, where: string): PatchPath {
  try {
    return parsePatchPath(text)
  } catch (error) {
    if (isScimError(error)) throw new ScimError(error.status, `${where}: ${error.message}`, error.scimType, { cause: error })
    throw error
  }
}
