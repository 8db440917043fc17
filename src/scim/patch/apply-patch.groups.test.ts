import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { patchGroup, storedGroup } from './patch-test-helpers.js'

/**
 * Group shapes (field guide §1.8, §5 #18-#20). In production the groups service keeps members in SQL, but
 * applyPatch handles multi-valued complex attributes in general, so these hold when it is called on a group.
 */

const memberIds = (document: Record<string, unknown>): unknown => (document.members as { value: string }[] | undefined)?.map((member) => member.value)

describe('applyPatch on a group', () => {
  it('#18 removes only the listed members for Entra\'s legacy Remove members with a value list', () => {
    const { document, changed } = patchGroup(storedGroup(), { op: 'Remove', path: 'members', value: [{ value: 'u1' }] })
    assert.deepEqual(document.members, [{ value: 'u2', display: 'Bob' }])
    assert.equal(changed, true)
  })

  it('#18 removes several listed members and ignores listed ids that are not members', () => {
    const { document } = patchGroup(storedGroup(), { op: 'Remove', path: 'members', value: [{ value: 'u2' }, { value: 'u9' }, { value: 'u1' }] })
    assert.equal(Object.hasOwn(document, 'members'), false, 'an emptied members attribute is removed, not left as []')
  })

  it('#19 removes the member selected by the flag form members[value eq "u2"]', () => {
    const { document } = patchGroup(storedGroup(), { op: 'remove', path: 'members[value eq "u2"]' })
    assert.deepEqual(memberIds(document), ['u1'])
  })

  it('#19 changes nothing, without error, when the filter matches no member', () => {
    const { document, changed } = patchGroup(storedGroup(), { op: 'remove', path: 'members[value eq "u404"]' })
    assert.deepEqual(document, storedGroup())
    assert.equal(changed, false)
  })

  it('#20 adds a member sent with "$ref": null', () => {
    const { document } = patchGroup(storedGroup(), { op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] })
    assert.deepEqual(memberIds(document), ['u1', 'u2', 'f648f8d5ea4e4cd38e9c'])
    assert.deepEqual((document.members as unknown[])[2], { value: 'f648f8d5ea4e4cd38e9c' })
  })

  it('adds several members in one operation and skips those already present', () => {
    const { document } = patchGroup(storedGroup(), { op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u3' }, { value: 'u4' }] })
    assert.deepEqual(memberIds(document), ['u1', 'u2', 'u3', 'u4'])
  })

  it('re-adding present members reports no change (Entra re-sends adds every cycle)', () => {
    assert.equal(patchGroup(storedGroup(), { op: 'Add', path: 'members', value: [{ value: 'u2', $ref: null }] }).changed, false)
  })

  it('removes all members for {"op":"remove","path":"members"} (Microsoft\'s Postman collection)', () => {
    assert.equal(Object.hasOwn(patchGroup(storedGroup(), { op: 'remove', path: 'members' }).document, 'members'), false)
  })

  it('renames with Replace displayName and with the validator\'s path-less replace', () => {
    assert.equal(patchGroup(storedGroup(), { op: 'Replace', path: 'displayName', value: 'Eng' }).document.displayName, 'Eng')
    const { document } = patchGroup(storedGroup(), { op: 'replace', value: { displayName: 'Eng2' } }, { op: 'replace', value: { externalId: 'ext-2' } })
    assert.deepEqual(document, { ...storedGroup(), displayName: 'Eng2', externalId: 'ext-2' })
  })

  it('adds members to a group created without any (Entra creates groups empty)', () => {
    const { members: _members, ...empty } = storedGroup()
    assert.deepEqual(memberIds(patchGroup(empty, { op: 'Add', path: 'members', value: [{ value: 'u1' }] }).document), ['u1'])
  })
})
