import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError, type ScimType } from '../errors.js'
import { coerceResource } from './coerce-resource.js'
import { groupResourceSchema, userResourceSchema } from './resource-schemas.js'
import { ENTERPRISE_USER_SCHEMA_ID, GROUP_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID } from './schema-ids.js'

function assertScimError(run: () => unknown, scimType: ScimType, detail: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimError)
    assert.equal(error.status, 400)
    assert.equal(error.scimType, scimType)
    assert.match(error.message, detail)
    return true
  })
}

describe('coerceResource for Users', () => {
  it("stores Entra's documented create body (field guide §1.4) with read-only meta dropped and empty roles omitted", () => {
    const body = {
      schemas: [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    }
    const { document, ignored } = coerceResource(body, userResourceSchema)
    assert.deepEqual(document, {
      schemas: [USER_SCHEMA_ID],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    })
    assert.deepEqual(ignored, ['meta'])
  })

  it("accepts the older example's JSON nulls, the typo schema URI '...enterprise:2.0User' and enterprise attributes", () => {
    const body = {
      schemas: [USER_SCHEMA_ID, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      userName: 'UserName123',
      active: true,
      addresses: null,
      displayName: 'Jane Doe',
      emails: [{ type: 'work', value: 'jane@contoso.com', primary: true }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Doe', givenName: 'Jane' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      [ENTERPRISE_USER_SCHEMA_ID]: { department: null, manager: null, employeeNumber: '42' },
    }
    const { document } = coerceResource(body, userResourceSchema)
    assert.deepEqual(document['schemas'], [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID])
    assert.deepEqual(document[ENTERPRISE_USER_SCHEMA_ID], { employeeNumber: '42' })
    for (const dropped of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'meta']) assert.equal(dropped in document, false)
  })

  it('accepts an extension object not listed in schemas, matching its URN case-insensitively', () => {
    const body = {
      schemas: [USER_SCHEMA_ID],
      userName: 'a@x.com',
      'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:MODERNLOOP:2.0:USER': { MODERNLOOPROLE: 'ADMIN' },
    }
    const { document } = coerceResource(body, userResourceSchema)
    assert.deepEqual(document['schemas'], [USER_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID])
    assert.deepEqual(document[MODERNLOOP_USER_SCHEMA_ID], { modernloopRole: 'ADMIN' })
  })

  it('stores "active": "True" as the boolean true', () => {
    assert.equal(coerceResource({ userName: 'a', active: 'True' }, userResourceSchema).document['active'], true)
    assert.equal(coerceResource({ userName: 'a', active: 'false' }, userResourceSchema).document['active'], false)
  })

  it('drops unknown attributes and records them in ignored', () => {
    const body = { userName: 'a', favouriteColour: 'blue', 'urn:example:custom:User:foo': 'x', 'name.nickname': 'x' }
    const { document, ignored } = coerceResource(body, userResourceSchema)
    assert.deepEqual(document, { schemas: [USER_SCHEMA_ID], userName: 'a' })
    assert.deepEqual(ignored.sort(), ['favouriteColour', 'name.nickname', 'urn:example:custom:User:foo'])
  })

  it('drops read-only attributes (id, meta, groups) and never stores a password', () => {
    const body = { userName: 'a', id: 'usr_x', groups: [{ value: 'g' }], password: 'hunter2', meta: { created: 'x' } }
    const { document, ignored } = coerceResource(body, userResourceSchema)
    assert.deepEqual(document, { schemas: [USER_SCHEMA_ID], userName: 'a' })
    assert.deepEqual(ignored.sort(), ['groups', 'id', 'meta', 'password'])
  })

  it('rejects a body without userName, or with an empty one, as 400 invalidValue', () => {
    assertScimError(() => coerceResource({ schemas: [USER_SCHEMA_ID], active: true }, userResourceSchema), 'invalidValue', /userName is required/)
    assertScimError(() => coerceResource({ userName: '  ' }, userResourceSchema), 'invalidValue', /userName is required/)
    assertScimError(() => coerceResource({ userName: null }, userResourceSchema), 'invalidValue', /userName is required/)
  })

  it('rejects a body that is not a JSON object as 400 invalidSyntax', () => {
    for (const body of [null, 'text', 42, [], [{ userName: 'a' }]]) {
      assertScimError(() => coerceResource(body, userResourceSchema), 'invalidSyntax', /JSON object/)
    }
  })

  it('canonicalises attribute names written in any case', () => {
    const { document } = coerceResource({ USERNAME: 'a', DisplayName: 'A', Emails: [{ Value: 'a@x.com' }] }, userResourceSchema)
    assert.deepEqual(document, { schemas: [USER_SCHEMA_ID], userName: 'a', displayName: 'A', emails: [{ value: 'a@x.com' }] })
  })

  it('places dotted and URN-prefixed top-level keys where they belong (Entra path-less style)', () => {
    const body = {
      userName: 'a',
      name: { familyName: 'Unua' },
      'name.givenName': 'Kkom',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
      'urn:ietf:params:scim:schemas:core:2.0:User:displayName': 'Bjfe',
    }
    const { document } = coerceResource(body, userResourceSchema)
    assert.deepEqual(document, {
      schemas: [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID],
      userName: 'a',
      name: { familyName: 'Unua', givenName: 'Kkom' },
      displayName: 'Bjfe',
      [ENTERPRISE_USER_SCHEMA_ID]: { employeeNumber: 'Aklq' },
    })
  })

  it('puts a plain or core-URN-qualified modernloopRole under the ModernLoop extension', () => {
    for (const key of ['modernloopRole', 'urn:ietf:params:scim:schemas:core:2.0:User:modernloopRole']) {
      const { document } = coerceResource({ userName: 'a', [key]: 'SCHEDULER' }, userResourceSchema)
      assert.deepEqual(document[MODERNLOOP_USER_SCHEMA_ID], { modernloopRole: 'SCHEDULER' })
      assert.equal('modernloopRole' in document, false)
    }
  })

  it('stores a bare-string manager as { value }', () => {
    const { document } = coerceResource({ userName: 'a', [ENTERPRISE_USER_SCHEMA_ID]: { manager: '45619541' } }, userResourceSchema)
    assert.deepEqual(document[ENTERPRISE_USER_SCHEMA_ID], { manager: { value: '45619541' } })
  })

  it('ignores an unknown extension object such as a CustomExtensionName URN', () => {
    const key = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'
    const { document, ignored } = coerceResource({ userName: 'a', [key]: { CustomAttribute: '701984' } }, userResourceSchema)
    assert.deepEqual(document, { schemas: [USER_SCHEMA_ID], userName: 'a' })
    assert.deepEqual(ignored, [key])
  })

  it('rejects more than one primary value in a multi-valued attribute', () => {
    const emails = [{ value: 'a@x.com', primary: true }, { value: 'b@x.com', primary: 'True' }]
    assertScimError(() => coerceResource({ userName: 'a', emails }, userResourceSchema), 'invalidValue', /emails has 2 values marked primary/)
  })

  it('rejects a wrongly typed value naming the attribute as the client wrote it', () => {
    assertScimError(() => coerceResource({ userName: 'a', Active: 'maybe' }, userResourceSchema), 'invalidValue', /^Active must be a boolean/)
    assertScimError(() => coerceResource({ userName: 'a', [ENTERPRISE_USER_SCHEMA_ID]: 'x' }, userResourceSchema), 'invalidValue', /must be an object/)
  })
})

describe('coerceResource for Groups', () => {
  it("stores Entra's group create body, ignoring the extra Microsoft schema URI", () => {
    const body = {
      schemas: [GROUP_SCHEMA_ID, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    }
    const { document } = coerceResource(body, groupResourceSchema)
    assert.deepEqual(document, { schemas: [GROUP_SCHEMA_ID], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' })
  })

  it('keeps members with "$ref": null validated and dropped from each member', () => {
    const { document } = coerceResource({ displayName: 'G', members: [{ $ref: null, value: 'u1' }, { value: 'u2', display: 'U 2' }] }, groupResourceSchema)
    assert.deepEqual(document['members'], [{ value: 'u1' }, { value: 'u2', display: 'U 2' }])
  })

  it('requires displayName', () => {
    assertScimError(() => coerceResource({ externalId: 'x' }, groupResourceSchema), 'invalidValue', /displayName is required/)
  })
})
