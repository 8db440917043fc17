import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { ScimError } from '../errors.js'
import type { AttributePath, FilterNode } from './ast.js'
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseAttributePath, parseFilter } from './parse-filter.js'

interface ExpectedError {
  name: string
  status: number
  scimType: string
  message: string
}
interface Fixtures {
  filters: { source: string; target: FilterNode }[]
  invalidFilters: { source: string; error: ExpectedError }[]
  attributePaths: { source: string; target: AttributePath }[]
  invalidAttributePaths: { source: string; error: ExpectedError }[]
}

const fixtures = JSON.parse(readFileSync(new URL('./parse-filter.fixtures.json', import.meta.url), 'utf8')) as Fixtures

/** Asserts `run` throws a ScimError equal, field by field, to `expected` (SCIMMY-style full error rows). */
function assertThrowsScimError(run: () => unknown, expected: ExpectedError): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`)
    assert.deepEqual({ name: error.name, status: error.status, scimType: error.scimType, message: error.message }, expected)
    return true
  })
}

describe('parseFilter fixtures', () => {
  for (const { source, target } of fixtures.filters) {
    it(`parses ${JSON.stringify(source)}`, () => assert.deepEqual(parseFilter(source), target))
  }
  for (const { source, error } of fixtures.invalidFilters) {
    it(`rejects ${JSON.stringify(source)} saying where and why`, () => assertThrowsScimError(() => parseFilter(source), error))
  }
})

describe('parseAttributePath fixtures', () => {
  for (const { source, target } of fixtures.attributePaths) {
    it(`parses ${JSON.stringify(source)}`, () => assert.deepEqual(parseAttributePath(source), target))
  }
  for (const { source, error } of fixtures.invalidAttributePaths) {
    it(`rejects ${JSON.stringify(source)} as invalidPath`, () => assertThrowsScimError(() => parseAttributePath(source), error))
  }
})

describe('parseFilter', () => {
  it('parses the Entra test-connection probe into a single userName comparison', () => {
    assert.deepEqual(parseFilter('userName eq "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"'), {
      kind: 'compare',
      path: { attribute: 'username', raw: 'userName' },
      operator: 'eq',
      value: 'cf4d78e8-cc4f-4d5d-b8b9-183561c0104a',
    })
  })

  it("reads Entra's emails[type eq \"work\"].value eq \"x\" as a value path over both conditions", () => {
    assert.deepEqual(parseFilter('emails[type eq "work"].value eq "x"'), parseFilter('emails[type eq "work" and value eq "x"]'))
  })

  it('gives not a higher precedence than and, and and a higher one than or', () => {
    const filter = parseFilter('not (a pr) or b pr and c pr')
    assert.equal(filter.kind, 'or')
    assert.equal(filter.kind === 'or' && filter.left.kind, 'not')
    assert.equal(filter.kind === 'or' && filter.right.kind, 'and')
  })

  it('accepts a filter of exactly the maximum length and rejects one character more', () => {
    const padded = (length: number) => `userName eq "${'x'.repeat(length - 'userName eq ""'.length)}"`
    assert.equal(parseFilter(padded(MAX_FILTER_LENGTH)).kind, 'compare')
    assertThrowsScimError(() => parseFilter(padded(MAX_FILTER_LENGTH + 1)), {
      name: 'ScimError',
      status: 400,
      scimType: 'invalidFilter',
      message: `Invalid filter: it is ${MAX_FILTER_LENGTH + 1} characters long; the limit is ${MAX_FILTER_LENGTH}`,
    })
  })

  it('accepts nesting up to the depth limit and rejects one level deeper at the offending parenthesis', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`
    assert.equal(parseFilter(nested(MAX_FILTER_DEPTH)).kind, 'present')
    assertThrowsScimError(() => parseFilter(nested(MAX_FILTER_DEPTH + 1)), {
      name: 'ScimError',
      status: 400,
      scimType: 'invalidFilter',
      message: `Invalid filter at character ${MAX_FILTER_DEPTH + 1}: parentheses and brackets are nested deeper than ${MAX_FILTER_DEPTH} levels`,
    })
  })

  it('rejects deeply nested not( chains with invalidFilter instead of overflowing the stack', () => {
    const hostile = 'not('.repeat(1000) + 'a pr' + ')'.repeat(1000)
    assert.throws(() => parseFilter(hostile.slice(0, MAX_FILTER_LENGTH)), ScimError)
  })

  it('parses a long and-chain within the length limit', () => {
    const chain = Array.from({ length: 300 }, (_, index) => `a${index} pr`).join(' and ')
    assert.ok(chain.length <= MAX_FILTER_LENGTH, `the chain is ${chain.length} characters`)
    assert.equal(parseFilter(chain).kind, 'and')
  })

  it('rejects a value that is not a string with invalidFilter', () => {
    assert.throws(() => parseFilter(['userName eq "x"'] as unknown as string), ScimError)
    assert.throws(() => parseAttributePath(undefined as unknown as string), ScimError)
  })

  it('throws only ScimErrors, whatever characters it is given', () => {
    // Deterministic fuzz: random mixes of the grammar's own pieces hit the error paths a client could reach.
    const pieces = ['userName', ' ', 'eq', 'pr', 'and', 'or', 'not', '(', ')', '[', ']', '"', '\\', 'x', '1', '-', '.', ':', 'urn:', 'true', 'null', '\\u00', 'é', '\t']
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    for (let round = 0; round < 5000; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('')
      try {
        parseFilter(text)
      } catch (error) {
        assert.ok(error instanceof ScimError, `${JSON.stringify(text)} threw ${String(error)}`)
        assert.equal(error.scimType, 'invalidFilter')
      }
    }
  })
})
