import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError, type ScimType } from '../errors.js'
import { PATCH_OP_SCHEMA, parsePatchRequest } from './parse-patch-request.js'

const options = { maxOperations: 10 }
const body = (...Operations: unknown[]): unknown => ({ schemas: [PATCH_OP_SCHEMA], Operations })

/** Asserts a 400 ScimError of `scimType` whose detail contains every one of `mentions`. */
function assertRejects(input: unknown, scimType: ScimType, ...mentions: string[]): void {
  assert.throws(
    () => parsePatchRequest(input, options),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`)
      assert.equal(error.status, 400)
      assert.equal(error.scimType, scimType)
      for (const mention of mentions) assert.ok(error.message.includes(mention), `"${error.message}" should mention "${mention}"`)
      return true
    },
  )
}

describe('parsePatchRequest', () => {
  it('parses Entra\'s capitalised ops "Add", "Replace" and "Remove" (field guide §5 #6)', () => {
    const operations = parsePatchRequest(
      body(
        { op: 'Add', path: 'nickName', value: 'Babs' },
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Remove', path: 'members[value eq "u2"]' },
        { op: 'REPLACE', value: { active: false } },
      ),
      options,
    )
    assert.deepEqual(
      operations.map(({ op, index }) => ({ op, index })),
      [
        { op: 'add', index: 0 },
        { op: 'replace', index: 1 },
        { op: 'remove', index: 2 },
        { op: 'replace', index: 3 },
      ],
    )
    assert.equal(operations[0]?.path?.attribute.attribute, 'nickname')
    assert.equal(operations[0]?.value, 'Babs')
    assert.equal(operations[2]?.path?.filter?.kind, 'compare')
    assert.equal(operations[2]?.value, undefined)
    assert.equal(operations[3]?.path, undefined)
  })

  it('parses the flagged multi-attribute replace literal of the field guide §1.5', () => {
    const operations = parsePatchRequest(
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
          {
            op: 'replace',
            value: {
              displayName: 'Bjfe',
              'name.givenName': 'Kkom',
              'name.familyName': 'Unua',
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
            },
          },
        ],
      },
      options,
    )
    assert.equal(operations.length, 2)
    assert.equal(operations[0]?.path?.subAttribute, 'value')
    assert.deepEqual(Object.keys(operations[1]?.value as object), ['displayName', 'name.givenName', 'name.familyName', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber'])
  })

  it('keeps the value of a remove, for Entra\'s member removal by value list (field guide §1.8)', () => {
    const [operation] = parsePatchRequest(body({ op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }), options)
    assert.deepEqual(operation?.value, [{ value: 'u1091' }])
  })

  it('tolerates a missing schemas, a null or empty path, and any case in member names', () => {
    const operations = parsePatchRequest(
      { operations: [{ OP: 'add', Path: null, Value: { displayName: 'x' } }, { op: 'add', path: ' ', value: { title: 't' } }] },
      options,
    )
    assert.equal(operations.length, 2)
    assert.equal(operations[0]?.path, undefined)
    assert.deepEqual(operations[0]?.value, { displayName: 'x' })
    assert.equal(operations[1]?.path, undefined)
  })

  it('returns 400 invalidSyntax when the body is not an object', () => {
    assertRejects(null, 'invalidSyntax', 'JSON object')
    assertRejects([], 'invalidSyntax', 'JSON object')
    assertRejects('Operations', 'invalidSyntax', 'JSON object')
  })

  it('returns 400 invalidSyntax when schemas is present without the PatchOp URN', () => {
    assertRejects({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax', PATCH_OP_SCHEMA)
  })

  it('returns 400 invalidSyntax when Operations is missing or not an array', () => {
    assertRejects({ schemas: [PATCH_OP_SCHEMA] }, 'invalidSyntax', 'Operations')
    assertRejects({ schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }, 'invalidSyntax', 'Operations')
  })

  it('returns 400 invalidSyntax for an empty Operations array, as RFC 7644 §3.5.2 requires one or more (field guide §5 #29)', () => {
    assertRejects(body(), 'invalidSyntax', 'empty', 'RFC 7644 §3.5.2')
  })

  it('returns 400 invalidSyntax when there are more operations than maxOperations', () => {
    const eleven = Array.from({ length: 11 }, () => ({ op: 'add', path: 'title', value: 'x' }))
    assertRejects(body(...eleven), 'invalidSyntax', '11 operations', 'at most 10')
  })

  it('returns 400 invalidSyntax naming the operation index for an unknown op', () => {
    assertRejects(body({ op: 'add', path: 'title', value: 'x' }, { op: 'move', path: 'title' }), 'invalidSyntax', 'Operations[1]', 'unknown op "move"')
  })

  it('returns 400 invalidSyntax naming the index when op is missing or an operation is not an object', () => {
    assertRejects(body({ path: 'title', value: 'x' }), 'invalidSyntax', 'Operations[0]', '"op"')
    assertRejects(body({ op: 'add', path: 'title', value: 'x' }, 'add'), 'invalidSyntax', 'Operations[1]')
  })

  it('returns 400 noTarget for a remove without a path', () => {
    assertRejects(body({ op: 'remove' }), 'noTarget', 'Operations[0]', 'path')
    assertRejects(body({ op: 'Remove', value: { displayName: 'x' } }), 'noTarget', 'Operations[0]')
  })

  it('returns 400 invalidSyntax for a path-less add or replace whose value is not an object', () => {
    assertRejects(body({ op: 'replace', value: 'x' }), 'invalidSyntax', 'Operations[0]', 'without a "path"')
    assertRejects(body({ op: 'add', value: [{ displayName: 'x' }] }), 'invalidSyntax', 'Operations[0]')
    assertRejects(body({ op: 'add', path: 'title', value: 'x' }, { op: 'add' }), 'invalidSyntax', 'Operations[1]')
  })

  it('returns 400 invalidSyntax when path is not a string', () => {
    assertRejects(body({ op: 'add', path: 42, value: 'x' }), 'invalidSyntax', 'Operations[0]', '"path" must be a string')
  })

  it('returns 400 invalidPath naming the operation index and path for a malformed path', () => {
    assertRejects(body({ op: 'add', path: 'title', value: 'x' }, { op: 'replace', path: 'emails[type eq "work"', value: 'a@b.c' }), 'invalidPath', 'Operations[1] (replace emails[type eq "work")', 'no closing "]"')
  })
})
