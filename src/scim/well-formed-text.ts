import { ScimError } from './errors.js'

/** A UTF-16 surrogate without its partner: not a Unicode character, so it has no UTF-8 form. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** How deep the walk goes; Fastify's JSON parser already bounds what a body can hold, this bounds the stack. */
const MAX_DEPTH = 200

/**
 * Refuses a parsed JSON body holding a string (value or key) with an unpaired UTF-16 surrogate (`"\ud800"`): 400
 * invalidValue naming where. JSON escapes allow them, but they cannot be stored as text: SQLite kept them as they
 * were while PostgreSQL's driver wrote U+FFFD into the key, so the engines disagreed about the same name.
 */
export function assertWellFormedText(value: unknown, where = 'the request body', depth = 0): void {
  if (typeof value === 'string') {
    if (UNPAIRED_SURROGATE.test(value)) throw unpaired(where)
    return
  }
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return
  if (Array.isArray(value)) {
    value.forEach((element, index) => assertWellFormedText(element, `${where}[${index}]`, depth + 1))
    return
  }
  for (const [key, member] of Object.entries(value)) {
    if (UNPAIRED_SURROGATE.test(key)) throw unpaired(`a key of ${where}`)
    assertWellFormedText(member, `${where}.${key}`, depth + 1)
  }
}

const unpaired = (where: string): ScimError =>
  ScimError.invalidValue(`${where} contains an unpaired UTF-16 surrogate (a \\uD800-\\uDFFF escape without its pair), which is not valid Unicode text.`)
