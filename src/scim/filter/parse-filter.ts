import { ScimError } from '../errors.js'
import type { AttributePath, CompareOperator, FilterNode, FilterValue } from './ast.js'
import { checkAttributeName, checkAttributePath } from './attribute-path-syntax.js'
import { FilterCursor } from './filter-cursor.js'

/** Longer filters are refused before parsing: no real client needs more, and it bounds work per request. */
export const MAX_FILTER_LENGTH = 4096
/** Deepest nesting of `( )` and `[ ]` accepted, so hostile input cannot overflow the stack. */
export const MAX_FILTER_DEPTH = 50

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le'
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/**
 * RFC 7644 §3.4.2.2 filter → AST. Throws ScimError 400 invalidFilter saying at which character it broke and what
 * was expected. Operators, `and`/`or`/`not` and true/false/null are case-insensitive; precedence is not > and > or.
 */
export function parseFilter(text: string): FilterNode {
  if (typeof text !== 'string') throw ScimError.invalidFilter('Invalid filter: expected one filter string')
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.invalidFilter(`Invalid filter: it is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}`)
  }
  const cursor = new FilterCursor(text)
  cursor.skipSpaces()
  if (cursor.atEnd()) {
    throw ScimError.invalidFilter('Invalid filter: the filter is empty; expected an expression such as userName eq "alice"')
  }
  const filter = new FilterParser(cursor).parseOr(0, false)
  cursor.skipSpaces()
  if (!cursor.atEnd()) throw unexpectedAfterExpression(cursor, 'end of filter')
  return filter
}

/** `[URN ":"]attr[.sub]` → AttributePath (lower-cased names). Throws ScimError 400 invalidPath. */
export function parseAttributePath(text: string): AttributePath {
  if (typeof text !== 'string') throw ScimError.invalidPath('Invalid attribute path: expected a string')
  const check = checkAttributePath(text)
  if (!check.ok) throw ScimError.invalidPath(`Invalid attribute path "${text}": ${check.problem}`)
  return check.path
}

/** Recursive descent over the RFC grammar: or → and → unary (not, parentheses, attribute expression). */
class FilterParser {
  readonly #cursor: FilterCursor

  constructor(cursor: FilterCursor) {
    this.#cursor = cursor
  }

  /** `depth` counts enclosing `(`/`[`; `inValuePath` is true inside `attr[...]`, where paths are element-relative. */
  parseOr(depth: number, inValuePath: boolean): FilterNode {
    let left = this.#parseAnd(depth, inValuePath)
    while (this.#nextKeywordIs('or')) {
      this.#cursor.readWord()
      left = { kind: 'or', left, right: this.#parseAnd(depth, inValuePath) }
    }
    return left
  }

  #parseAnd(depth: number, inValuePath: boolean): FilterNode {
    let left = this.#parseUnary(depth, inValuePath)
    while (this.#nextKeywordIs('and')) {
      this.#cursor.readWord()
      left = { kind: 'and', left, right: this.#parseUnary(depth, inValuePath) }
    }
    return left
  }

  #parseUnary(depth: number, inValuePath: boolean): FilterNode {
    const cursor = this.#cursor
    cursor.skipSpaces()
    if (cursor.peekChar() === '(') return this.#parseGroup(depth, inValuePath)

    const word = cursor.peekWord()
    if (word.toLowerCase() === 'not') {
      const notStart = cursor.position
      cursor.readWord()
      cursor.skipSpaces()
      if (cursor.peekChar() === '(') return { kind: 'not', filter: this.#parseGroup(depth, inValuePath) }
      // `not pr`, `not eq "x"`: an attribute that happens to be called "not".
      if (!isOperatorWord(cursor.peekWord())) throw cursor.fail(cursor.position, `expected "(" after "not", found ${cursor.describeNext()}`)
      cursor.position = notStart
    }
    if (word === '') throw cursor.fail(cursor.position, `expected an attribute name, "(" or "not (", found ${cursor.describeNext()}`)
    return this.#parseAttributeExpression(depth, inValuePath)
  }

  /** `( filter )`, with the cursor on the `(`. */
  #parseGroup(depth: number, inValuePath: boolean): FilterNode {
    const cursor = this.#cursor
    const open = cursor.position
    this.#enter(depth, open)
    cursor.consumeChar('(')
    const inner = this.parseOr(depth + 1, inValuePath)
    cursor.skipSpaces()
    if (!cursor.consumeChar(')')) {
      throw unexpectedAfterExpression(cursor, `")" to close the "(" at character ${open + 1}`)
    }
    return inner
  }

  /** `attr pr`, `attr op value`, `attr[filter]`, or Entra's `attr[filter].sub op value`. */
  #parseAttributeExpression(depth: number, inValuePath: boolean): FilterNode {
    const cursor = this.#cursor
    const start = cursor.position
    const word = cursor.readWord()
    const check = checkAttributePath(word)
    if (!check.ok) throw cursor.fail(start, `invalid attribute path "${word}": ${check.problem}`)
    const path = check.path

    cursor.skipSpaces()
    if (cursor.peekChar() !== '[') return this.#parseComparison(path)

    const open = cursor.position
    if (inValuePath) throw cursor.fail(open, 'a value filter "[...]" cannot be nested inside another one (RFC 7644 §3.4.2.2 valFilter)')
    if (path.subAttribute !== undefined) {
      throw cursor.fail(open, `a value filter "[...]" applies to a multi-valued attribute, not to the sub-attribute "${path.raw}"`)
    }
    this.#enter(depth, open)
    cursor.consumeChar('[')
    const elementFilter = this.parseOr(depth + 1, true)
    cursor.skipSpaces()
    if (!cursor.consumeChar(']')) {
      throw unexpectedAfterExpression(cursor, `"]" to close the "[" at character ${open + 1}`)
    }
    if (cursor.peekChar() !== '.') return { kind: 'valuePath', path, filter: elementFilter }

    // Entra: `emails[type eq "work"].value eq "x"` means `emails[type eq "work" and value eq "x"]`.
    const subStart = cursor.position
    const subName = cursor.readWord().slice(1)
    const problem = checkAttributeName(subName)
    if (problem) throw cursor.fail(subStart, `expected a sub-attribute name after "].": ${problem}`)
    const subPath: AttributePath = { attribute: subName.toLowerCase(), raw: subName }
    return { kind: 'valuePath', path, filter: { kind: 'and', left: elementFilter, right: this.#parseComparison(subPath) } }
  }

  /** The operator and value after an attribute path. */
  #parseComparison(path: AttributePath): FilterNode {
    const cursor = this.#cursor
    cursor.skipSpaces()
    const operatorStart = cursor.position
    const operator = cursor.peekWord().toLowerCase()
    if (operator === 'pr') {
      cursor.readWord()
      cursor.skipSpaces()
      if (cursor.peekChar() === '"' || isLiteralWord(cursor.peekWord())) {
        throw cursor.fail(cursor.position, `the "pr" operator takes no value, found ${cursor.describeNext()}`)
      }
      return { kind: 'present', path }
    }
    if (!COMPARE_OPERATORS.has(operator)) {
      throw cursor.fail(operatorStart, `expected a comparison operator (${OPERATOR_LIST}) or "pr" after "${path.raw}", found ${cursor.describeNext()}`)
    }
    const operatorWord = cursor.readWord()
    const value = this.#parseValue(operatorWord)
    checkOperandType(cursor, operatorStart, operatorWord, value)
    return { kind: 'compare', path, operator: operator as CompareOperator, value }
  }

  /**
   * compValue: a JSON string, number, true, false or null (RFC 7644 §3.4.2.2). Leniency: an unquoted word
   * (`userName sw O`, `meta.created gt 2015-10-10T14:38:21Z`) is read as a string, as Microsoft's SCIM reference
   * server and its test collection do; nothing valid changes meaning, since quoted values are unaffected.
   */
  #parseValue(operatorWord: string): FilterValue {
    const cursor = this.#cursor
    cursor.skipSpaces()
    if (cursor.peekChar() === '"') return cursor.readString()
    const start = cursor.position
    const word = cursor.peekWord()
    const expected = `expected a value after "${operatorWord}" (a "quoted string", number, true, false or null)`
    if (word === '') throw cursor.fail(start, `${expected}, found ${cursor.describeNext()}`)
    const literal = word.toLowerCase()
    cursor.readWord()
    if (literal === 'true') return true
    if (literal === 'false') return false
    if (literal === 'null') return null
    if (NUMBER.test(word)) {
      const number = Number(word)
      if (!Number.isFinite(number)) throw cursor.fail(start, `the number ${word} is out of range`)
      return number
    }
    if (word.startsWith("'")) throw cursor.fail(start, `${expected}, found "${word}"; strings must be in double quotes`)
    return word
  }

  #nextKeywordIs(keyword: 'and' | 'or'): boolean {
    this.#cursor.skipSpaces()
    return this.#cursor.peekWord().toLowerCase() === keyword
  }

  #enter(depth: number, at: number): void {
    if (depth >= MAX_FILTER_DEPTH) {
      throw this.#cursor.fail(at, `parentheses and brackets are nested deeper than ${MAX_FILTER_DEPTH} levels`)
    }
  }
}

/** RFC 7644 §3.4.2.2: gt/ge/lt/le fail on booleans; co/sw/ew are substring tests, so they take strings. */
function checkOperandType(cursor: FilterCursor, at: number, operatorWord: string, value: FilterValue): void {
  const operator = operatorWord.toLowerCase()
  if (operator === 'eq' || operator === 'ne') return
  if (value === null || typeof value === 'boolean') {
    throw cursor.fail(at, `"${operatorWord}" cannot compare with ${String(value)}; use eq or ne`)
  }
  if (typeof value === 'number' && (operator === 'co' || operator === 'sw' || operator === 'ew')) {
    throw cursor.fail(at, `"${operatorWord}" compares strings; write the value in double quotes`)
  }
}

/** After a complete expression: the next thing is neither `and`/`or` nor what the caller expected. */
function unexpectedAfterExpression(cursor: FilterCursor, expected: string): ScimError {
  const next = cursor.peekChar()
  if (expected === 'end of filter' && (next === ')' || next === ']')) {
    const open = next === ')' ? '(' : '['
    return cursor.fail(cursor.position, `unbalanced "${next}": there is no "${open}" for it to close`)
  }
  return cursor.fail(cursor.position, `expected "and", "or" or ${expected}, found ${cursor.describeNext()}`)
}

const isOperatorWord = (word: string): boolean => {
  const lower = word.toLowerCase()
  return lower === 'pr' || COMPARE_OPERATORS.has(lower)
}

const isLiteralWord = (word: string): boolean => {
  const lower = word.toLowerCase()
  return lower === 'true' || lower === 'false' || lower === 'null' || NUMBER.test(word)
}
