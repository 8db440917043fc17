import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AttributeDefinition, SchemaDefinition } from './attribute.js'
import { enterpriseUserSchema } from './enterprise-user-schema.js'
import { groupSchema } from './group-schema.js'
import { modernloopUserSchema } from './modernloop-user-schema.js'
import { userSchema } from './user-schema.js'

const ALL_SCHEMAS: SchemaDefinition[] = [userSchema, enterpriseUserSchema, modernloopUserSchema, groupSchema]

const attribute = (schema: SchemaDefinition, name: string): AttributeDefinition => {
  const found = schema.attributes.find((definition) => definition.name === name)
  assert.ok(found, `${schema.name} has ${name}`)
  return found
}
const subNames = (definition: AttributeDefinition): string[] => (definition.subAttributes ?? []).map((sub) => sub.name)

describe('schema definitions', () => {
  it('define the core User attributes of RFC 7643 §8.7.1 and the common attributes', () => {
    assert.deepEqual(userSchema.attributes.map((definition) => definition.name), [
      'id', 'externalId', 'meta', 'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType',
      'preferredLanguage', 'locale', 'timezone', 'active', 'password', 'emails', 'phoneNumbers', 'ims', 'photos',
      'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates',
    ])
  })

  it('define the sub-attributes of name, addresses and the multi-valued attributes', () => {
    assert.deepEqual(subNames(attribute(userSchema, 'name')), ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'])
    assert.deepEqual(subNames(attribute(userSchema, 'addresses')), ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type', 'primary'])
    for (const name of ['emails', 'phoneNumbers', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates']) {
      const definition = attribute(userSchema, name)
      assert.equal(definition.multiValued, true, `${name} is multi-valued`)
      assert.deepEqual(subNames(definition), ['value', 'display', 'type', 'primary'])
    }
    assert.deepEqual(subNames(attribute(userSchema, 'groups')), ['value', '$ref', 'display', 'type'])
    assert.equal(attribute(userSchema, 'photos').subAttributes?.[0]?.type, 'reference')
    assert.equal(attribute(userSchema, 'x509Certificates').subAttributes?.[0]?.type, 'binary')
  })

  it('give id, externalId, userName, meta, groups and password their RFC characteristics', () => {
    const id = attribute(userSchema, 'id')
    assert.deepEqual([id.caseExact, id.mutability, id.returned, id.uniqueness], [true, 'readOnly', 'always', 'server'])
    assert.equal(attribute(userSchema, 'externalId').caseExact, true)
    const userName = attribute(userSchema, 'userName')
    assert.deepEqual([userName.required, userName.caseExact, userName.uniqueness], [true, false, 'server'])
    assert.equal(attribute(userSchema, 'meta').mutability, 'readOnly')
    const groups = attribute(userSchema, 'groups')
    assert.ok(groups.mutability === 'readOnly' && groups.subAttributes?.every((sub) => sub.mutability === 'readOnly'))
    const password = attribute(userSchema, 'password')
    assert.deepEqual([password.mutability, password.returned], ['writeOnly', 'never'])
    assert.equal(attribute(userSchema, 'active').type, 'boolean')
    assert.equal(attribute(userSchema, 'emails').subAttributes?.[0]?.caseExact, false)
  })

  it('define the enterprise extension of RFC 7643 §4.3 with manager {value, $ref, displayName}', () => {
    assert.deepEqual(enterpriseUserSchema.attributes.map((definition) => definition.name), ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'])
    const manager = attribute(enterpriseUserSchema, 'manager')
    assert.deepEqual(subNames(manager), ['value', '$ref', 'displayName'])
    assert.equal(manager.subAttributes?.[2]?.mutability, 'readOnly')
  })

  it('define Group with a required displayName and members {value, $ref, display, type}', () => {
    assert.deepEqual(groupSchema.attributes.map((definition) => definition.name), ['id', 'externalId', 'meta', 'displayName', 'members'])
    assert.equal(attribute(groupSchema, 'displayName').required, true)
    const members = attribute(groupSchema, 'members')
    assert.equal(members.multiValued, true)
    assert.deepEqual(subNames(members), ['value', '$ref', 'display', 'type'])
  })

  it('define modernloopRole as a single string with the three roles as canonical values', () => {
    const role = attribute(modernloopUserSchema, 'modernloopRole')
    assert.deepEqual([role.type, role.multiValued, role.canonicalValues], ['string', false, ['ADMIN', 'SCHEDULER', 'INTERVIEWER']])
  })

  it('have unique, case-insensitively distinct names at every level, and sub-attributes only on complex attributes', () => {
    const check = (attributes: AttributeDefinition[], where: string): void => {
      const names = attributes.map((definition) => definition.name.toLowerCase())
      assert.equal(new Set(names).size, names.length, `${where} has duplicate names`)
      for (const definition of attributes) {
        assert.equal(definition.type === 'complex', definition.subAttributes !== undefined, `${where}.${definition.name}`)
        if (definition.subAttributes) check(definition.subAttributes, `${where}.${definition.name}`)
      }
    }
    for (const schema of ALL_SCHEMAS) check(schema.attributes, schema.name)
  })
})
