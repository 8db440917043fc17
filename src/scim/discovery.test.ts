import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resourceTypes, schemaDocuments, serviceProviderConfig, type DiscoveryOptions } from './discovery.js'
import { ENTERPRISE_USER_SCHEMA_ID, GROUP_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID } from './schemas/schema-ids.js'

const options: DiscoveryOptions = { baseUrl: 'https://roster.example/acme/scim/v2/', maxResults: 200, defaultPageSize: 100, maxPayloadBytes: 1_048_576, maxOperations: 100 }

type Json = Record<string, unknown>
const asRecord = (value: unknown): Json => {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value))
  return value as Json
}
const attributesOf = (document: Json): Json[] => (document['attributes'] as unknown[]).map(asRecord)
const attributeNamed = (attributes: Json[], name: string): Json => {
  const found = attributes.find((attribute) => attribute['name'] === name)
  assert.ok(found, `attribute ${name} is published`)
  return found
}

describe('serviceProviderConfig', () => {
  it('declares patch, filter, etag and bearer tokens supported and bulk, sort and changePassword not', () => {
    const config = serviceProviderConfig(options)
    assert.deepEqual(config['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'])
    assert.deepEqual(config['patch'], { supported: true })
    assert.deepEqual(config['bulk'], { supported: false, maxOperations: 100, maxPayloadSize: 1_048_576 })
    assert.deepEqual(config['filter'], { supported: true, maxResults: 200 })
    assert.deepEqual(config['changePassword'], { supported: false })
    assert.deepEqual(config['sort'], { supported: false })
    assert.deepEqual(config['etag'], { supported: true })
    const schemes = config['authenticationSchemes'] as unknown[]
    assert.equal(schemes.length, 1)
    assert.equal(asRecord(schemes[0])['type'], 'oauthbearertoken')
    assert.deepEqual(config['meta'], { resourceType: 'ServiceProviderConfig', location: 'https://roster.example/acme/scim/v2/ServiceProviderConfig' })
    assert.equal('documentationUri' in config, false)
  })

  it('includes documentationUri when configured', () => {
    assert.equal(serviceProviderConfig({ ...options, documentationUri: 'https://docs.example/scim' })['documentationUri'], 'https://docs.example/scim')
  })
})

describe('resourceTypes', () => {
  it('lists User with both extensions not required, and Group, each with its location', () => {
    const [user, group] = resourceTypes(options)
    assert.ok(user && group)
    assert.deepEqual(
      { id: user['id'], endpoint: user['endpoint'], schema: user['schema'], schemaExtensions: user['schemaExtensions'] },
      {
        id: 'User',
        endpoint: '/Users',
        schema: USER_SCHEMA_ID,
        schemaExtensions: [
          { schema: ENTERPRISE_USER_SCHEMA_ID, required: false },
          { schema: MODERNLOOP_USER_SCHEMA_ID, required: false },
        ],
      },
    )
    assert.deepEqual(user['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'])
    assert.deepEqual(user['meta'], { resourceType: 'ResourceType', location: 'https://roster.example/acme/scim/v2/ResourceTypes/User' })
    assert.deepEqual([group['id'], group['endpoint'], group['schema'], group['schemaExtensions']], ['Group', '/Groups', GROUP_SCHEMA_ID, []])
  })
})

describe('schemaDocuments', () => {
  const documents = schemaDocuments(options)

  it('publishes the User, enterprise User, ModernLoop and Group schemas with meta', () => {
    assert.deepEqual(documents.map((document) => document['id']).sort(), [ENTERPRISE_USER_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID, GROUP_SCHEMA_ID].sort())
    for (const document of documents) {
      assert.deepEqual(document['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:Schema'])
      assert.deepEqual(document['meta'], { resourceType: 'Schema', location: `https://roster.example/acme/scim/v2/Schemas/${String(document['id'])}` })
    }
  })

  it('spells out every characteristic of every attribute and sub-attribute (RFC 7643 §7)', () => {
    const characteristics = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness']
    const check = (attribute: Json): void => {
      for (const key of characteristics) assert.ok(key in attribute, `${String(attribute['name'])} has ${key}`)
      if (attribute['type'] === 'complex') (attribute['subAttributes'] as unknown[]).map(asRecord).forEach(check)
    }
    for (const document of documents) attributesOf(document).forEach(check)
  })

  it('publishes userName as required, server-unique and case-insensitive, and password as writeOnly never returned', () => {
    const user = attributesOf(documents.find((document) => document['id'] === USER_SCHEMA_ID)!)
    const userName = attributeNamed(user, 'userName')
    assert.deepEqual([userName['required'], userName['uniqueness'], userName['caseExact']], [true, 'server', false])
    const password = attributeNamed(user, 'password')
    assert.deepEqual([password['mutability'], password['returned']], ['writeOnly', 'never'])
  })

  it('publishes modernloopRole with its canonical values', () => {
    const modernloop = attributesOf(documents.find((document) => document['id'] === MODERNLOOP_USER_SCHEMA_ID)!)
    assert.deepEqual(attributeNamed(modernloop, 'modernloopRole')['canonicalValues'], ['ADMIN', 'SCHEDULER', 'INTERVIEWER'])
  })
})
