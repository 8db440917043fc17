import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FilterNode } from './ast.js'
import { impliedValues } from './implied-values.js'
import { parseFilter } from './parse-filter.js'

/** The filter inside the brackets of `emails[...]`, as PATCH hands it over. */
function elementFilter(valuePath: string): FilterNode {
  const node = parseFilter(valuePath)
  assert.equal(node.kind, 'valuePath')
  return (node as Extract<FilterNode, { kind: 'valuePath' }>).filter
}

describe('impliedValues', () => {
  it('implies the type of the element Entra adds through emails[type eq "work"].value', () => {
    assert.deepEqual(impliedValues(elementFilter('emails[type eq "work"]')), { type: 'work' })
  })

  it('collects every eq joined by and, with lower-cased keys', () => {
    assert.deepEqual(impliedValues(parseFilter('Type eq "work" and PRIMARY eq true and weight eq 2')), { type: 'work', primary: true, weight: 2 })
  })

  it('keeps values as written, including Entra string booleans', () => {
    assert.deepEqual(impliedValues(elementFilter('roles[primary eq "True"]')), { primary: 'True' })
  })

  it('accepts the same value twice for one key', () => {
    assert.deepEqual(impliedValues(parseFilter('type eq "work" and type eq "work"')), { type: 'work' })
  })

  it('implies nothing for two different values of one key', () => {
    assert.equal(impliedValues(parseFilter('type eq "work" and type eq "home"')), undefined)
  })

  it('implies nothing when anything but eq and and appears', () => {
    for (const filter of ['type ne "work"', 'type eq "work" or type eq "home"', 'not (type eq "work")', 'value co "@x"', 'type pr', 'type eq "work" and value sw "a"']) {
      assert.equal(impliedValues(parseFilter(filter)), undefined, filter)
    }
  })

  it('implies nothing for eq null, sub-attribute paths, schema-qualified paths or a whole value path', () => {
    for (const filter of ['type eq null', 'name.givenName eq "A"', 'urn:ietf:params:scim:schemas:core:2.0:User:type eq "work"', 'emails[type eq "work"]']) {
      assert.equal(impliedValues(parseFilter(filter)), undefined, filter)
    }
  })
})
