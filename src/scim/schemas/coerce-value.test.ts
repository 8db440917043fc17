import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError } from '../errors.js'
import type { AttributeDefinition } from './attribute.js'
import { coerceValue } from './coerce-value.js'
import { defineAttribute } from './define-attribute.js'
import { groupResourceSchema, userResourceSchema } from './resource-schemas.js'
import { resolveAttribute } from './resolve-attribute.js'

const user = (attribute: string): AttributeDefinition => resolveAttribute(userResourceSchema, { attribute })!.definition
const group = (attribute: string): AttributeDefinition => resolveAttribute(groupResourceSchema, { attribute })!.definition

/** Asserts a ScimError 400 invalidValue whose detail names `where`. */
function assertInvalidValue(run: () => unknown, where: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimError)
    assert.equal(error.status, 400)
    assert.equal(error.scimType, 'invalidValue')
    assert.match(error.message, new RegExp(where.replace(/[.[\]$]/g, '\\$&')))
    return true
  })
}

describe('coerceValue', () => {
  it('returns undefined for null and undefined', () => {
    assert.equal(coerceValue(user('active'), null, 'active'), undefined)
    assert.equal(coerceValue(user('emails'), undefined, 'emails'), undefined)
  })

  it('accepts booleans and the strings "True"/"False" in any case (Entra sends "False")', () => {
    assert.equal(coerceValue(user('active'), true, 'active'), true)
    assert.equal(coerceValue(user('active'), 'False', 'active'), false)
    assert.equal(coerceValue(user('active'), 'TRUE', 'active'), true)
    assert.equal(coerceValue(user('active'), 'false', 'active'), false)
  })

  it('rejects a boolean given anything else, naming the attribute', () => {
    assertInvalidValue(() => coerceValue(user('active'), 'yes', 'active'), 'active')
    assertInvalidValue(() => coerceValue(user('active'), 1, 'active'), 'active')
    assertInvalidValue(() => coerceValue(user('active'), {}, 'active'), 'active')
  })

  it('accepts numbers and numeric strings for integer and decimal attributes', () => {
    const count = defineAttribute('count', 'integer', 'test')
    const ratio = defineAttribute('ratio', 'decimal', 'test')
    assert.equal(coerceValue(count, 42, 'count'), 42)
    assert.equal(coerceValue(count, ' 42 ', 'count'), 42)
    assert.equal(coerceValue(ratio, '1.5', 'ratio'), 1.5)
    assert.equal(coerceValue(ratio, 2, 'ratio'), 2)
    assertInvalidValue(() => coerceValue(count, '1.5', 'count'), 'count')
    assertInvalidValue(() => coerceValue(count, 'abc', 'count'), 'count')
    assertInvalidValue(() => coerceValue(ratio, '', 'ratio'), 'ratio')
    assertInvalidValue(() => coerceValue(ratio, true, 'ratio'), 'ratio')
  })

  it('turns numbers and booleans into strings for string attributes and keeps strings exactly as sent', () => {
    assert.equal(coerceValue(user('userName'), ' Alice@X.com ', 'userName'), ' Alice@X.com ')
    assert.equal(coerceValue(user('employeeNumber'), 1234, 'employeeNumber'), '1234')
    assert.equal(coerceValue(user('title'), false, 'title'), 'false')
  })

  it('rejects objects and multi-element arrays for string attributes', () => {
    assertInvalidValue(() => coerceValue(user('userName'), { value: 'x' }, 'userName'), 'userName')
    assertInvalidValue(() => coerceValue(user('userName'), ['a', 'b'], 'userName'), 'userName')
  })

  it('validates that a dateTime parses and returns it as sent', () => {
    const created = defineAttribute('created', 'dateTime', 'test')
    assert.equal(coerceValue(created, '2024-05-01T12:00:00Z', 'created'), '2024-05-01T12:00:00Z')
    assertInvalidValue(() => coerceValue(created, 'not a date', 'created'), 'created')
    assertInvalidValue(() => coerceValue(created, true, 'created'), 'created')
  })

  it('unwraps a one-element array given to a single-valued attribute (Entra does this)', () => {
    assert.equal(coerceValue(user('active'), ['False'], 'active'), false)
    assert.equal(coerceValue(user('displayName'), ['Alice'], 'displayName'), 'Alice')
    assert.equal(coerceValue(user('displayName'), [], 'displayName'), undefined)
  })

  it('turns a bare string given to a complex single-valued attribute into { value } (Entra sends manager as an id)', () => {
    assert.deepEqual(coerceValue(user('manager'), '45619541-abcd', 'manager'), { value: '45619541-abcd' })
  })

  it('unwraps the older [{ $ref, value }] manager form', () => {
    assert.deepEqual(coerceValue(user('manager'), [{ $ref: null, Value: 'm1' }], 'manager'), { value: 'm1' })
  })

  it('wraps a single value or object given to a multi-valued attribute in an array', () => {
    assert.deepEqual(coerceValue(user('emails'), { value: 'a@b.com', type: 'work' }, 'emails'), [{ value: 'a@b.com', type: 'work' }])
    assert.deepEqual(coerceValue(group('members'), 'u1', 'members'), [{ value: 'u1' }])
  })

  it('coerces elements recursively and drops null elements', () => {
    const emails = coerceValue(user('emails'), [null, { value: 'a@b.com', primary: 'True' }, null], 'emails')
    assert.deepEqual(emails, [{ value: 'a@b.com', primary: true }])
  })

  it('names the failing element and sub-attribute in the error detail', () => {
    assertInvalidValue(() => coerceValue(user('emails'), [{ value: 'a@b.com' }, { primary: 'maybe' }], 'emails'), 'emails[1].primary')
  })

  it('canonicalises sub-attribute names and drops unknown and null sub-attributes', () => {
    const name = coerceValue(user('name'), { GivenName: 'Ada', FAMILYNAME: 'Lovelace', nickname: 'x', middleName: null }, 'name')
    assert.deepEqual(name, { givenName: 'Ada', familyName: 'Lovelace' })
  })

  it('accepts Entra group member adds with "$ref": null', () => {
    const members = coerceValue(group('members'), [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }], 'members')
    assert.deepEqual(members, [{ value: 'f648f8d5ea4e4cd38e9c' }])
  })

  it('keeps an empty array for a multi-valued attribute (Entra sends "roles": [])', () => {
    assert.deepEqual(coerceValue(user('roles'), [], 'roles'), [])
  })

  it('rejects a complex attribute given a boolean or nested array', () => {
    assertInvalidValue(() => coerceValue(user('name'), true, 'name'), 'name')
    assertInvalidValue(() => coerceValue(user('emails'), [[{ value: 'a@b.com' }]], 'emails'), 'emails[0]')
  })

  it('keeps Entra stringified role JSON as the role value rather than failing', () => {
    const value = '{"id":"06b07648","value":"Admin","displayName":"Admin"}'
    assert.deepEqual(coerceValue(user('roles'), [{ value }], 'roles'), [{ value }])
  })
})
