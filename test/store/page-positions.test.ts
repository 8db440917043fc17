import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PagePositions } from '../../src/store/page-positions.js'

describe('PagePositions', () => {
  it('keeps positions apart by organization, list, filter and offset', () => {
    const positions = new PagePositions()
    positions.set(PagePositions.key('org_a', 'users', '', 100), 7)
    assert.equal(positions.get(PagePositions.key('org_a', 'users', '', 100)), 7)
    for (const key of [
      PagePositions.key('org_b', 'users', '', 100),
      PagePositions.key('org_a', 'groups', '', 100),
      PagePositions.key('org_a', 'users', '{"kind":"present"}', 100),
      PagePositions.key('org_a', 'users', '', 200),
    ]) {
      assert.equal(positions.get(key), undefined)
    }
  })

  it('stays within its capacity, dropping the least recently used position first', () => {
    const positions = new PagePositions(3)
    for (const offset of [1, 2, 3]) positions.set(PagePositions.key('org', 'users', '', offset), offset)
    positions.get(PagePositions.key('org', 'users', '', 1))
    positions.set(PagePositions.key('org', 'users', '', 4), 4)
    assert.equal(positions.size, 3)
    assert.equal(positions.get(PagePositions.key('org', 'users', '', 2)), undefined, 'the least recently used went')
    assert.equal(positions.get(PagePositions.key('org', 'users', '', 1)), 1)
    assert.equal(positions.get(PagePositions.key('org', 'users', '', 4)), 4)
  })
})
