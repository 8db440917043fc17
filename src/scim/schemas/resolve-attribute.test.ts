import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { groupResourceSchema, userResourceSchema } from './resource-schemas.js'
import { resolveAttribute, resolveExtension, resolveSubAttribute } from './resolve-attribute.js'
import { ENTERPRISE_USER_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID } from './schema-ids.js'

describe('resolveAttribute', () => {
  it('finds a core attribute case-insensitively and reports its canonical name', () => {
    const resolved = resolveAttribute(userResourceSchema, { attribute: 'USERNAME' })
    assert.equal(resolved?.definition.name, 'userName')
    assert.equal(resolved?.schemaId, USER_SCHEMA_ID)
    assert.equal(resolved?.extension, false)
  })

  it('finds a core attribute qualified with the core URN in any case', () => {
    const resolved = resolveAttribute(userResourceSchema, { schema: USER_SCHEMA_ID.toLowerCase(), attribute: 'name' })
    assert.equal(resolved?.definition.name, 'name')
  })

  it('finds an extension attribute qualified with its lower-cased URN', () => {
    const resolved = resolveAttribute(userResourceSchema, { schema: ENTERPRISE_USER_SCHEMA_ID.toLowerCase(), attribute: 'employeenumber' })
    assert.deepEqual([resolved?.schemaId, resolved?.extension, resolved?.definition.name], [ENTERPRISE_USER_SCHEMA_ID, true, 'employeeNumber'])
  })

  it('resolves an unqualified custom attribute to the one extension that has it (Entra sends modernloopRole)', () => {
    const resolved = resolveAttribute(userResourceSchema, { attribute: 'modernloopRole' })
    assert.deepEqual([resolved?.schemaId, resolved?.extension, resolved?.definition.name], [MODERNLOOP_USER_SCHEMA_ID, true, 'modernloopRole'])
  })

  it('resolves a core-URN-qualified custom attribute to its extension', () => {
    const resolved = resolveAttribute(userResourceSchema, { schema: USER_SCHEMA_ID, attribute: 'modernlooprole' })
    assert.equal(resolved?.schemaId, MODERNLOOP_USER_SCHEMA_ID)
    const department = resolveAttribute(userResourceSchema, { schema: USER_SCHEMA_ID, attribute: 'department' })
    assert.equal(department?.schemaId, ENTERPRISE_USER_SCHEMA_ID)
  })

  it('does not resolve an extension attribute under the wrong extension URN', () => {
    assert.equal(resolveAttribute(userResourceSchema, { schema: MODERNLOOP_USER_SCHEMA_ID, attribute: 'department' }), undefined)
  })

  it('returns undefined for unknown attributes and unknown schema URNs', () => {
    assert.equal(resolveAttribute(userResourceSchema, { attribute: 'favouriteColour' }), undefined)
    assert.equal(resolveAttribute(userResourceSchema, { schema: 'urn:example:unknown', attribute: 'userName' }), undefined)
    assert.equal(resolveAttribute(groupResourceSchema, { attribute: 'userName' }), undefined)
  })

  it('finds the common attributes id, externalId and meta', () => {
    for (const name of ['id', 'externalId', 'meta']) {
      assert.equal(resolveAttribute(groupResourceSchema, { attribute: name.toUpperCase() })?.definition.name, name)
    }
  })
})

describe('resolveSubAttribute', () => {
  it('finds a sub-attribute case-insensitively', () => {
    const name = resolveAttribute(userResourceSchema, { attribute: 'name' })!.definition
    assert.equal(resolveSubAttribute(name, 'GIVENNAME')?.name, 'givenName')
    const members = resolveAttribute(groupResourceSchema, { attribute: 'members' })!.definition
    assert.equal(resolveSubAttribute(members, '$REF')?.name, '$ref')
  })

  it('returns undefined for a missing sub-attribute or a simple attribute', () => {
    const emails = resolveAttribute(userResourceSchema, { attribute: 'emails' })!.definition
    assert.equal(resolveSubAttribute(emails, 'locality'), undefined)
    const userName = resolveAttribute(userResourceSchema, { attribute: 'userName' })!.definition
    assert.equal(resolveSubAttribute(userName, 'value'), undefined)
  })
})

describe('resolveExtension', () => {
  it('finds an extension by URN case-insensitively and nothing for the core or unknown URNs', () => {
    assert.equal(resolveExtension(userResourceSchema, ENTERPRISE_USER_SCHEMA_ID.toUpperCase())?.id, ENTERPRISE_USER_SCHEMA_ID)
    assert.equal(resolveExtension(userResourceSchema, USER_SCHEMA_ID), undefined)
    assert.equal(resolveExtension(userResourceSchema, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'), undefined)
  })
})
