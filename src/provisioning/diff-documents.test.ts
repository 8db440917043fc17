import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { diffDocuments, MAX_CHANGES } from './diff-documents.js'
import { scrubText } from './redact.js'

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User'

describe('diffDocuments', () => {
  test('reports changed leaves by path, complex attributes dotted and extension attributes URN-qualified', () => {
    const before = { schemas: [CORE], userName: 'a@x', name: { givenName: 'A', familyName: 'B' }, [ENTERPRISE]: { department: 'Sales', manager: { value: 'm1' } }, active: true }
    const after = { schemas: [CORE, ENTERPRISE], userName: 'a@x', name: { givenName: 'Ann', familyName: 'B' }, [ENTERPRISE]: { department: 'Sales', manager: { value: 'm2' } }, active: false }
    assert.deepEqual(diffDocuments(before, after), [
      { attribute: 'active', before: true, after: false },
      { attribute: 'name.givenName', before: 'A', after: 'Ann' },
      { attribute: `${ENTERPRISE}:manager.value`, before: 'm1', after: 'm2' },
    ])
  })

  test('compares multi-valued attributes whole and ignores key order', () => {
    const emails = [{ value: 'a@x', type: 'work', primary: true }]
    assert.deepEqual(diffDocuments({ emails }, { emails: [{ primary: true, type: 'work', value: 'a@x' }] }), [])
    assert.deepEqual(diffDocuments({ emails }, { emails: [] }), [{ attribute: 'emails', before: emails, after: [] }])
  })

  test('a create lists every attribute from null; added and removed attributes show null on one side', () => {
    assert.deepEqual(diffDocuments(null, { userName: 'a', title: 'T' }), [
      { attribute: 'title', before: null, after: 'T' },
      { attribute: 'userName', before: null, after: 'a' },
    ])
    assert.deepEqual(diffDocuments({ title: 'T' }, {}), [{ attribute: 'title', before: 'T', after: null }])
  })

  test('secret attributes are reported changed but never with their value, and token-shaped text is scrubbed', () => {
    const token = `scimtok_${'a'.repeat(24)}.${'B'.repeat(43)}`
    const changes = diffDocuments({ password: 'old-secret' }, { password: 'new-secret', nickName: `Bearer ${token}`, x: { apiToken: 'zzz' } })
    const text = JSON.stringify(changes)
    assert.ok(!text.includes('secret') && !text.includes('B'.repeat(43)) && !text.includes('zzz'), text)
    assert.deepEqual(changes.find((c) => c.attribute === 'password'), { attribute: 'password', before: '[redacted]', after: '[redacted]' })
    assert.equal(scrubText(`token ${token} here`), 'token [redacted] here')
  })

  test('the list and each value are bounded', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_CHANGES + 7 }, (_, i) => [`a${String(i).padStart(3, '0')}`, i]))
    const changes = diffDocuments({}, wide)
    assert.equal(changes.length, MAX_CHANGES + 1)
    assert.deepEqual(changes.at(-1), { attribute: '(more)', before: null, after: '7 more changed attributes not shown' })
    const [long] = diffDocuments({}, { title: 'x'.repeat(5000) })
    assert.ok(typeof long?.after === 'string' && long.after.length < 1100 && long.after.endsWith('(truncated)'))
  })
})
