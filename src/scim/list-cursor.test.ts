import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError } from './errors.js'
import { CURSOR_TIMEOUT_SECONDS, decodeCursor, encodeCursor, type CursorScope } from './list-cursor.js'

const scope: CursorScope = { orgId: 'org_a', resourceType: 'User', filter: '' }
const now = Date.UTC(2026, 0, 1)

function refused(run: () => unknown, scimType: 'invalidCursor' | 'expiredCursor'): void {
  assert.throws(run, (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === scimType)
}

describe('list cursors (RFC 9865)', () => {
  it('round-trips a position and looks opaque', () => {
    const cursor = encodeCursor(scope, { direction: 'after', seq: '12345678901234' }, now)
    assert.match(cursor, /^[A-Za-z0-9_-]+$/)
    assert.ok(!cursor.includes('12345678901234'))
    assert.deepEqual(decodeCursor(cursor, scope, now + 1000), { direction: 'after', seq: '12345678901234' })
    assert.deepEqual(decodeCursor(encodeCursor(scope, { direction: 'before', seq: '7' }, now), scope, now), { direction: 'before', seq: '7' })
  })

  it('refuses a cursor of another organization, resource type or filter as invalidCursor', () => {
    const cursor = encodeCursor(scope, { direction: 'after', seq: '9' }, now)
    refused(() => decodeCursor(cursor, { ...scope, orgId: 'org_b' }, now), 'invalidCursor')
    refused(() => decodeCursor(cursor, { ...scope, resourceType: 'Group' }, now), 'invalidCursor')
    refused(() => decodeCursor(cursor, { ...scope, filter: 'active eq true' }, now), 'invalidCursor')
  })

  it('refuses malformed and edited cursors as invalidCursor', () => {
    const body = Buffer.from(encodeCursor(scope, { direction: 'after', seq: '9' }, now), 'base64url').toString('utf8')
    const edited = Buffer.from(body.replace('.9.', '.10.'), 'utf8').toString('base64url')
    for (const text of ['x', '!!!', 'a'.repeat(500), edited, Buffer.from('c1.a.9.1.x').toString('base64url')]) {
      refused(() => decodeCursor(text, scope, now), 'invalidCursor')
    }
  })

  it('refuses a cursor older than the timeout as expiredCursor', () => {
    const cursor = encodeCursor(scope, { direction: 'after', seq: '9' }, now)
    assert.ok(decodeCursor(cursor, scope, now + CURSOR_TIMEOUT_SECONDS * 1000))
    refused(() => decodeCursor(cursor, scope, now + (CURSOR_TIMEOUT_SECONDS + 1) * 1000), 'expiredCursor')
  })
})
