import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ENTERPRISE_USER_SCHEMA_ID, MODERNLOOP_USER_SCHEMA_ID, USER_SCHEMA_ID } from '../schemas/schema-ids.js'
import { patchUser, storedUser } from './patch-test-helpers.js'

/** What Entra really sends (field guide §1.5, §2, §5), applied to a stored user. */

const ENTERPRISE = ENTERPRISE_USER_SCHEMA_ID
const MODERNLOOP = MODERNLOOP_USER_SCHEMA_ID

describe('applyPatch: the field guide §1.5 table, default (no flag) column', () => {
  it('replaces the work email with Replace emails[type eq "work"].value', () => {
    const { document, changed } = patchUser(storedUser(), { op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@y.com' })
    assert.deepEqual(document.emails, [{ value: 'x@y.com', type: 'work', primary: true }])
    assert.equal(changed, true)
  })

  it('replaces a single-valued sub-attribute with Replace name.familyName, keeping the other sub-attributes', () => {
    const { document } = patchUser(storedUser(), { op: 'Replace', path: 'name.familyName', value: 'F' })
    assert.deepEqual(document.name, { formatted: 'Ann Lee', familyName: 'F', givenName: 'Ann' })
  })

  it('replaces userName with Replace userName', () => {
    assert.equal(patchUser(storedUser(), { op: 'Replace', path: 'userName', value: 'u@x.com' }).document.userName, 'u@x.com')
  })

  it('adds a string attribute with Add nickName', () => {
    assert.equal(patchUser(storedUser(), { op: 'Add', path: 'nickName', value: 'Babs' }).document.nickName, 'Babs')
  })

  it('disables with Replace active "False" (a string)', () => {
    assert.equal(patchUser(storedUser(), { op: 'Replace', path: 'active', value: 'False' }).document.active, false)
  })

  it('stores an enterprise attribute named by its URN path under the extension and lists the extension in schemas', () => {
    const { document } = patchUser(storedUser(), { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' })
    assert.deepEqual(document[ENTERPRISE], { employeeNumber: 'Eqpj' })
    assert.deepEqual(document.schemas, [USER_SCHEMA_ID, ENTERPRISE])
  })
})

describe('applyPatch: the field guide §1.5 table, aadOptscim062020 column', () => {
  it('accepts the lower-case ops with the same paths', () => {
    const { document } = patchUser(
      storedUser(),
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y.com' },
      { op: 'add', path: 'nickName', value: 'Babs' },
      { op: 'replace', path: 'active', value: false },
    )
    assert.deepEqual(document.emails, [{ value: 'x@y.com', type: 'work', primary: true }])
    assert.equal(document.nickName, 'Babs')
    assert.equal(document.active, false)
  })

  it('applies the flagged multi-attribute replace literal: filtered email plus a path-less value with dotted and URN keys', () => {
    const { document, ignored } = patchUser(
      storedUser(),
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
    )
    assert.deepEqual(document, {
      schemas: [USER_SCHEMA_ID, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'ann@contoso.com',
      active: true,
      displayName: 'Bjfe',
      name: { formatted: 'Ann Lee', familyName: 'Unua', givenName: 'Kkom' },
      emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: 'Aklq' },
    })
    assert.deepEqual(ignored, [])
  })
})

describe('applyPatch: manager in its three shapes (field guide §1.5)', () => {
  it('stores a bare id string sent to the URN path as { value } (real Entra traffic, §5 #10)', () => {
    const { document } = patchUser(storedUser(), { op: 'Add', path: `${ENTERPRISE}:manager`, value: '45619541-9cf1-4ee1-b1cf-f2d6f1bb62cd' })
    assert.deepEqual(document[ENTERPRISE], { manager: { value: '45619541-9cf1-4ee1-b1cf-f2d6f1bb62cd' } })
  })

  it('stores the validator\'s { value } object, then replaces and removes it (validator manager tests)', () => {
    const added = patchUser(storedUser(), { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'AXTKDLNRKMKT' } }).document
    assert.deepEqual(added[ENTERPRISE], { manager: { value: 'AXTKDLNRKMKT' } })
    const replaced = patchUser(added, { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'QWERTY' } }).document
    assert.deepEqual(replaced[ENTERPRISE], { manager: { value: 'QWERTY' } })
    const removed = patchUser(replaced, { op: 'remove', path: `${ENTERPRISE}:manager` }).document
    assert.equal(removed[ENTERPRISE], undefined, 'the emptied extension object is removed')
    assert.deepEqual(removed.schemas, [USER_SCHEMA_ID])
  })

  it('stores the older doc\'s unqualified "manager" path with a one-element array', () => {
    const { document } = patchUser(storedUser(), {
      op: 'Add',
      path: 'manager',
      value: [{ $ref: 'https://host/Users/26118915-6090-4610-87e4-49d8ca9f808d', value: '26118915-6090-4610-87e4-49d8ca9f808d' }],
    })
    assert.deepEqual(document[ENTERPRISE], {
      manager: { $ref: 'https://host/Users/26118915-6090-4610-87e4-49d8ca9f808d', value: '26118915-6090-4610-87e4-49d8ca9f808d' },
    })
  })
})

describe('applyPatch: field guide §5 gotchas on a user', () => {
  for (const value of ['False', 'false', false]) {
    it(`#5 disables the user for active ${JSON.stringify(value)}`, () => {
      const { document, changed } = patchUser(storedUser(), { op: 'Replace', path: 'active', value })
      assert.equal(document.active, false)
      assert.equal(changed, true)
    })
  }

  it('#5/#15 re-enables a disabled user with Replace active "True"', () => {
    const disabled = { ...storedUser(), active: false }
    assert.equal(patchUser(disabled, { op: 'Replace', path: 'active', value: 'True' }).document.active, true)
  })

  it('#6 accepts "Add", "Replace" and "Remove" in one request', () => {
    const { document } = patchUser(
      storedUser(),
      { op: 'Add', path: 'title', value: 'Engineer' },
      { op: 'Replace', path: 'displayName', value: 'Ann L.' },
      { op: 'Remove', path: 'name.formatted' },
    )
    assert.equal(document.title, 'Engineer')
    assert.equal(document.displayName, 'Ann L.')
    assert.deepEqual(document.name, { familyName: 'Lee', givenName: 'Ann' })
  })

  it('#7 updates name through path-less dotted keys and wipes nothing else', () => {
    const { document } = patchUser(storedUser(), { op: 'replace', value: { 'name.givenName': 'A', 'name.familyName': 'B', displayName: 'A B' } })
    assert.deepEqual(document, { ...storedUser(), displayName: 'A B', name: { formatted: 'Ann Lee', familyName: 'B', givenName: 'A' } })
  })

  it('#8 changes only active for a path-less {"active":false} (not a whole-resource replace)', () => {
    const { document } = patchUser(storedUser(), { op: 'replace', value: { active: false } })
    assert.deepEqual(document, { ...storedUser(), active: false })
  })

  it('#9 stores a path-less enterprise URN key under the extension', () => {
    const { document } = patchUser(storedUser(), { op: 'replace', value: { [`${ENTERPRISE}:department`]: 'X' } })
    assert.deepEqual(document[ENTERPRISE], { department: 'X' })
  })

  it('#11 creates {type:"work", value} when adding emails[type eq "work"].value to a user without emails', () => {
    const { emails: _emails, ...withoutEmails } = storedUser()
    const { document } = patchUser(withoutEmails, { op: 'Add', path: 'emails[type eq "work"].value', value: 'a@b.com' })
    assert.deepEqual(document.emails, [{ type: 'work', value: 'a@b.com' }])
  })

  it('#11 also creates the element for a Replace that matches nothing (ssoready#249)', () => {
    const { document } = patchUser(storedUser(), { op: 'Replace', path: 'emails[type eq "home"].value', value: 'ann@home.org' })
    assert.deepEqual(document.emails, [
      { value: 'ann@contoso.com', type: 'work', primary: true },
      { type: 'home', value: 'ann@home.org' },
    ])
  })

  it('#17 still deactivates when the same request carries an address (mixed PATCH)', () => {
    const { document, ignored } = patchUser(
      storedUser(),
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'X' },
    )
    assert.equal(document.active, false)
    assert.deepEqual(document.addresses, [{ type: 'work', locality: 'X' }])
    assert.deepEqual(ignored, [])
  })

  it('#17 skips attributes outside the schemas, notes them, and applies the rest', () => {
    const { document, ignored, changed } = patchUser(
      storedUser(),
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeColour', value: 'X' },
      { op: 'add', value: { favouriteColour: 'blue', 'name.middleName': 'M', 'name.nickname': 'x' } },
    )
    assert.equal(document.active, false)
    assert.equal(changed, true)
    assert.deepEqual(document.name, { formatted: 'Ann Lee', familyName: 'Lee', givenName: 'Ann', middleName: 'M' })
    assert.deepEqual(ignored, [
      'Operations[1] (replace urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeColour): "urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeColour" is not an attribute of User; skipped.',
      'Operations[2] (add): "favouriteColour" is not an attribute of User; skipped.',
      'Operations[2] (add): "name.nickname" is not an attribute of User ("name" has no sub-attribute "nickname"); skipped.',
    ])
  })

  it('#24 stores the role sent as the core-qualified path or the plain name under Roster\'s extension', () => {
    for (const path of ['urn:ietf:params:scim:schemas:core:2.0:User:modernloopRole', 'modernloopRole', `${MODERNLOOP}:modernloopRole`]) {
      const { document } = patchUser(storedUser(), { op: 'Add', path, value: 'ADMIN' })
      assert.deepEqual(document[MODERNLOOP], { modernloopRole: 'ADMIN' }, path)
      assert.deepEqual(document.schemas, [USER_SCHEMA_ID, MODERNLOOP], path)
    }
  })

  it('#24 stores the role sent under a custom extension URN Entra admins typed (field guide §2.1)', () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'
    const byPath = patchUser(storedUser(), { op: 'Add', path: `${custom}:modernloopRole`, value: 'ADMIN' })
    assert.deepEqual(byPath.document[MODERNLOOP], { modernloopRole: 'ADMIN' })
    const byObject = patchUser(storedUser(), { op: 'replace', value: { [custom]: { modernloopRole: 'SCHEDULER', shoeSize: 9 } } })
    assert.deepEqual(byObject.document[MODERNLOOP], { modernloopRole: 'SCHEDULER' })
    assert.deepEqual(byObject.ignored, ['Operations[0] (replace): "shoeSize" is not an attribute of User; skipped.'])
    assert.equal(Object.hasOwn(byObject.document, custom), false)
  })

  it('#24 stores the role sent as a path-less key, core-qualified or inside the extension object', () => {
    const qualified = patchUser(storedUser(), { op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User:modernloopRole': 'SCHEDULER' } })
    assert.deepEqual(qualified.document[MODERNLOOP], { modernloopRole: 'SCHEDULER' })
    const nested = patchUser(storedUser(), { op: 'add', value: { [MODERNLOOP]: { modernloopRole: 'INTERVIEWER' } } })
    assert.deepEqual(nested.document[MODERNLOOP], { modernloopRole: 'INTERVIEWER' })
  })

  it('#25 applies Remove modernloopRole and "" without a 400; the users service decides the role stays', () => {
    const withRole = { ...storedUser(), schemas: [USER_SCHEMA_ID, MODERNLOOP], [MODERNLOOP]: { modernloopRole: 'ADMIN' } }
    const removed = patchUser(withRole, { op: 'Remove', path: 'modernloopRole' })
    assert.equal(removed.document[MODERNLOOP], undefined)
    assert.deepEqual(removed.document.schemas, [USER_SCHEMA_ID])
    const emptied = patchUser(withRole, { op: 'Replace', path: 'modernloopRole', value: '' })
    assert.deepEqual(emptied.document[MODERNLOOP], { modernloopRole: '' })
  })

  it('removes an attribute when add or replace carries null (Entra\'s Switch() null, field guide §2.3)', () => {
    const withTitle = { ...storedUser(), title: 'Engineer' }
    assert.equal(patchUser(withTitle, { op: 'Replace', path: 'title', value: null }).document.title, undefined)
    assert.equal(patchUser(withTitle, { op: 'replace', value: { title: null } }).document.title, undefined)
    assert.equal(Object.hasOwn(patchUser(withTitle, { op: 'Add', path: 'title', value: null }).document, 'title'), false)
  })

  it('accepts the validator\'s "primary":"true" string and emails[primary eq true].value paths', () => {
    const { document } = patchUser(
      storedUser(),
      { op: 'add', path: 'emails', value: [{ value: 'ann@home.org', type: 'home', primary: 'true' }] },
      { op: 'replace', path: 'emails[primary eq true].value', value: 'ann@family.org' },
    )
    assert.deepEqual(document.emails, [
      { value: 'ann@contoso.com', type: 'work', primary: false },
      { value: 'ann@family.org', type: 'home', primary: true },
    ])
  })
})
