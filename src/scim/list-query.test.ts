import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError, type ScimType } from './errors.js'
import { parseListQuery } from './list-query.js'

const options = { defaultCount: 100, maxCount: 200 }

function assertScimError(run: () => unknown, scimType: ScimType, detail?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimError)
    assert.equal(error.status, 400)
    assert.equal(error.scimType, scimType)
    if (detail) assert.match(error.message, detail)
    return true
  })
}

describe('parseListQuery', () => {
  it('defaults to startIndex 1, the default count, no filter and no projection', () => {
    assert.deepEqual(parseListQuery({}, options), { startIndex: 1, count: 100, projection: {}, filterText: '' })
  })

  it("parses Entra's probe filter (userName eq a random GUID)", () => {
    const query = parseListQuery({ filter: 'userName eq "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"' }, options)
    assert.equal(query.filter?.kind, 'compare')
    assert.ok(query.filter?.kind === 'compare' && query.filter.value === 'cf4d78e8-cc4f-4d5d-b8b9-183561c0104a')
  })

  it('reads parameter names case-insensitively', () => {
    const query = parseListQuery({ Filter: 'displayName eq "x"', STARTINDEX: '3', Count: '2', ExcludedAttributes: 'members' }, options)
    assert.equal(query.filter?.kind, 'compare')
    assert.equal(query.startIndex, 3)
    assert.equal(query.count, 2)
    assert.equal(query.projection.excludedAttributes?.[0]?.attribute, 'members')
  })

  it("ignores unknown parameters such as Entra's aadOptscim062020 flag, and sortBy/sortOrder", () => {
    const query = parseListQuery({ aadOptscim062020: '', sortBy: 'userName', sortOrder: 'descending', count: '2' }, options)
    assert.deepEqual(query, { startIndex: 1, count: 2, projection: {}, filterText: '' })
  })

  it('clamps startIndex below 1 to 1, count below 0 to 0 and count above maxCount to maxCount', () => {
    assert.equal(parseListQuery({ startIndex: '0' }, options).startIndex, 1)
    assert.equal(parseListQuery({ startIndex: '-5' }, options).startIndex, 1)
    assert.equal(parseListQuery({ count: '-1' }, options).count, 0)
    assert.equal(parseListQuery({ count: '0' }, options).count, 0)
    assert.equal(parseListQuery({ count: '5000' }, options).count, 200)
    assert.equal(parseListQuery({}, { defaultCount: 500, maxCount: 200 }).count, 200)
  })

  it('clamps absurdly large numbers to a safe integer', () => {
    assert.equal(parseListQuery({ startIndex: '99999999999999999999999' }, options).startIndex, Number.MAX_SAFE_INTEGER)
  })

  it('accepts numbers already parsed by the framework', () => {
    assert.deepEqual(parseListQuery({ startIndex: 2, count: 10 }, options), { startIndex: 2, count: 10, projection: {}, filterText: '' })
  })

  it('rejects non-integer startIndex and count as 400 invalidValue naming the parameter', () => {
    assertScimError(() => parseListQuery({ startIndex: 'abc' }, options), 'invalidValue', /startIndex must be an integer/)
    assertScimError(() => parseListQuery({ count: '1.5' }, options), 'invalidValue', /count must be an integer/)
    assertScimError(() => parseListQuery({ count: '10abc' }, options), 'invalidValue', /count/)
    assertScimError(() => parseListQuery({ count: { a: 1 } }, options), 'invalidValue', /count/)
  })

  it('treats empty startIndex, count and filter values as absent', () => {
    assert.deepEqual(parseListQuery({ startIndex: '', count: ' ', filter: '' }, options), { startIndex: 1, count: 100, projection: {}, filterText: '' })
  })

  it('rejects a parameter given twice', () => {
    assertScimError(() => parseListQuery({ count: ['1', '2'] }, options), 'invalidValue', /more than once/)
    assertScimError(() => parseListQuery({ count: '1', COUNT: '2' }, options), 'invalidValue', /more than once/)
  })

  it('accepts a one-element array value', () => {
    assert.equal(parseListQuery({ count: ['7'] }, options).count, 7)
  })

  it('passes filter syntax errors through as 400 invalidFilter', () => {
    assertScimError(() => parseListQuery({ filter: 'userName eq' }, options), 'invalidFilter')
  })

  it('parses attributes and excludedAttributes into the projection', () => {
    const query = parseListQuery({ attributes: 'userName,emails', excludedAttributes: 'groups' }, options)
    assert.deepEqual(query.projection.attributes?.map((path) => path.attribute), ['username', 'emails'])
    assert.deepEqual(query.projection.excludedAttributes?.map((path) => path.attribute), ['groups'])
  })
})

describe('parseListQuery: RFC 9865 cursor', () => {
  it('reads an empty cursor as a request for the first cursor page', () => {
    assert.equal(parseListQuery({ cursor: '' }, options).cursor, '')
    assert.equal(parseListQuery({ Cursor: 'abc' }, options).cursor, 'abc')
    assert.equal(parseListQuery({}, options).cursor, undefined)
  })

  it('refuses startIndex together with cursor', () => {
    assertScimError(() => parseListQuery({ cursor: '', startIndex: '1' }, options), 'invalidValue')
  })

  it('keeps the filter text a cursor is bound to', () => {
    assert.equal(parseListQuery({ filter: ' active eq true ', cursor: '' }, options).filterText, 'active eq true')
  })
})
