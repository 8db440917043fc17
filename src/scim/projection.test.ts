import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError } from './errors.js'
import { isExcluded, parseProjection, projectResource } from './projection.js'
import { groupResourceSchema, userResourceSchema } from './schemas/resource-schemas.js'
import { ENTERPRISE_USER_SCHEMA_ID, GROUP_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID } from './schemas/schema-ids.js'

const user = (): Record<string, unknown> => ({
  schemas: [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID],
  id: 'usr_1',
  externalId: 'ext-1',
  userName: 'alice@x.com',
  name: { givenName: 'Alice', familyName: 'Smith' },
  active: true,
  password: 'never-shown',
  emails: [
    { value: 'alice@x.com', type: 'work', primary: true },
    { value: 'a@home.com', type: 'home' },
  ],
  [ENTERPRISE_USER_SCHEMA_ID]: { department: 'Sales', employeeNumber: '42' },
  [MODERNLOOP_USER_SCHEMA_ID]: { modernloopRole: 'ADMIN' },
  meta: { resourceType: 'User' },
})

const group = (): Record<string, unknown> => ({
  schemas: [GROUP_SCHEMA_ID],
  id: 'grp_1',
  displayName: 'Engineers',
  members: [{ value: 'usr_1', display: 'Alice' }],
  meta: { resourceType: 'Group' },
})

const project = (resource: Record<string, unknown>, attributes?: string, excluded?: string) =>
  projectResource(resource, resource['id'] === 'grp_1' ? groupResourceSchema : userResourceSchema, parseProjection(attributes, excluded))

describe('parseProjection', () => {
  it('parses comma-separated, URN-qualified and sub-attribute paths, trimming spaces and empty items', () => {
    const projection = parseProjection(`userName, name.givenName,,${ENTERPRISE_USER_SCHEMA_ID}:department`, undefined)
    assert.deepEqual(
      projection.attributes?.map((path) => [path.schema, path.attribute, path.subAttribute]),
      [
        [undefined, 'username', undefined],
        [undefined, 'name', 'givenname'],
        [ENTERPRISE_USER_SCHEMA_ID.toLowerCase(), 'department', undefined],
      ],
    )
    assert.equal(projection.excludedAttributes, undefined)
  })

  it('accepts a whole extension URN as one item', () => {
    const projection = parseProjection(undefined, ENTERPRISE_USER_SCHEMA_ID)
    assert.equal(projection.excludedAttributes?.[0]?.attribute, ENTERPRISE_USER_SCHEMA_ID.toLowerCase())
  })

  it('returns an empty projection for absent or empty values', () => {
    assert.deepEqual(parseProjection(undefined, undefined), {})
    assert.deepEqual(parseProjection('', ' , '), {})
  })

  it('rejects a malformed path as 400 invalidPath', () => {
    assert.throws(() => parseProjection('name..givenName', undefined), (error: unknown) => error instanceof ScimError && error.scimType === 'invalidPath')
    assert.throws(() => parseProjection(undefined, 'a b'), (error: unknown) => error instanceof ScimError && error.status === 400)
  })
})

describe('projectResource', () => {
  it('returns everything but returned:never attributes when there is no projection', () => {
    const projected = project(user())
    const expected = user()
    delete expected['password']
    assert.deepEqual(projected, expected)
  })

  it('keeps only requested attributes plus id and schemas (?attributes=userName,emails)', () => {
    assert.deepEqual(project(user(), 'userName,emails'), {
      schemas: [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID],
      id: 'usr_1',
      userName: 'alice@x.com',
      emails: user()['emails'],
    })
  })

  it('narrows complex and multi-valued attributes to requested sub-attributes', () => {
    const projected = project(user(), 'name.givenName,emails.value')
    assert.deepEqual(projected['name'], { givenName: 'Alice' })
    assert.deepEqual(projected['emails'], [{ value: 'alice@x.com' }, { value: 'a@home.com' }])
  })

  it('selects extension attributes by URN-qualified or plain name and drops extension objects left empty', () => {
    const projected = project(user(), `${ENTERPRISE_USER_SCHEMA_ID}:department,modernloopRole`)
    assert.deepEqual(projected[ENTERPRISE_USER_SCHEMA_ID], { department: 'Sales' })
    assert.deepEqual(projected[MODERNLOOP_USER_SCHEMA_ID], { modernloopRole: 'ADMIN' })
    const onlyUserName = project(user(), 'userName')
    assert.equal(ENTERPRISE_USER_SCHEMA_ID in onlyUserName, false)
    assert.equal(MODERNLOOP_USER_SCHEMA_ID in onlyUserName, false)
  })

  it('selects a whole extension by its URN', () => {
    const projected = project(user(), ENTERPRISE_USER_SCHEMA_ID)
    assert.deepEqual(projected[ENTERPRISE_USER_SCHEMA_ID], { department: 'Sales', employeeNumber: '42' })
    assert.equal('userName' in projected, false)
  })

  it('removes excluded attributes, sub-attributes and extension attributes', () => {
    const projected = project(user(), undefined, `emails,name.familyName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`)
    assert.equal('emails' in projected, false)
    assert.deepEqual(projected['name'], { givenName: 'Alice' })
    assert.deepEqual(projected[ENTERPRISE_USER_SCHEMA_ID], { employeeNumber: '42' })
    assert.equal(projected['userName'], 'alice@x.com')
  })

  it('removes an extension object emptied by exclusion', () => {
    const projected = project(user(), undefined, 'modernloopRole')
    assert.equal(MODERNLOOP_USER_SCHEMA_ID in projected, false)
  })

  it('never excludes id or schemas and never returns password even when asked', () => {
    const projected = project(user(), 'password,userName', undefined)
    assert.deepEqual(Object.keys(projected).sort(), ['id', 'schemas', 'userName'])
    const excluded = project(user(), undefined, 'id,schemas')
    assert.equal(excluded['id'], 'usr_1')
    assert.ok(Array.isArray(excluded['schemas']))
  })

  it('drops group members for excludedAttributes=members (Entra group lookup) and keeps displayName', () => {
    assert.deepEqual(project(group(), undefined, 'members'), { schemas: [GROUP_SCHEMA_ID], id: 'grp_1', displayName: 'Engineers', meta: { resourceType: 'Group' } })
  })

  it('matches attribute names case-insensitively and ignores unknown ones', () => {
    assert.deepEqual(Object.keys(project(user(), 'USERNAME,favouriteColour')).sort(), ['id', 'schemas', 'userName'])
    assert.deepEqual(Object.keys(project(group(), undefined, 'MEMBERS,nothing')).sort(), ['displayName', 'id', 'meta', 'schemas'])
  })

  it('does not mutate its input', () => {
    const input = user()
    const snapshot = structuredClone(input)
    project(input, 'name.givenName', 'emails.type')
    project(input, undefined, 'name.givenName')
    assert.deepEqual(input, snapshot)
  })
})

describe('isExcluded', () => {
  it('is true for members when members are excluded, in any case', () => {
    assert.equal(isExcluded(parseProjection(undefined, 'Members'), groupResourceSchema, 'members'), true)
  })

  it('is true for members when other attributes are requested and false when members or a sub-attribute is', () => {
    assert.equal(isExcluded(parseProjection('displayName', undefined), groupResourceSchema, 'members'), true)
    assert.equal(isExcluded(parseProjection('members.value', undefined), groupResourceSchema, 'members'), false)
    assert.equal(isExcluded(parseProjection('members', undefined), groupResourceSchema, 'members'), false)
  })

  it('is false without a projection or when only a sub-attribute is excluded', () => {
    assert.equal(isExcluded({}, groupResourceSchema, 'members'), false)
    assert.equal(isExcluded(parseProjection(undefined, 'members.display'), groupResourceSchema, 'members'), false)
  })

  it('is never true for id and always true for password', () => {
    assert.equal(isExcluded(parseProjection('displayName', 'id'), groupResourceSchema, 'id'), false)
    assert.equal(isExcluded({}, userResourceSchema, 'password'), true)
  })

  it('is true for groups on a user when only userName is requested', () => {
    assert.equal(isExcluded(parseProjection('userName', undefined), userResourceSchema, 'groups'), true)
    assert.equal(isExcluded({}, userResourceSchema, 'groups'), false)
  })
})
