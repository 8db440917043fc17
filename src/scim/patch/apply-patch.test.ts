import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScimError, type ScimType } from '../errors.js'
import { groupResourceSchema, userResourceSchema } from '../schemas/resource-schemas.js'
import { ENTERPRISE_USER_SCHEMA_ID, GROUP_SCHEMA_ID, USER_SCHEMA_ID } from '../schemas/schema-ids.js'
import { applyPatch } from './apply-patch.js'
import { deepFreeze, patchGroup, patchUser, storedGroup, storedUser } from './patch-test-helpers.js'

const ENTERPRISE = ENTERPRISE_USER_SCHEMA_ID

/** Asserts a 400 ScimError of `scimType` whose detail contains every one of `mentions`. */
function assertRejects(run: () => unknown, scimType: ScimType, ...mentions: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`)
    assert.equal(error.status, 400)
    assert.equal(error.scimType, scimType)
    for (const mention of mentions) assert.ok(error.message.includes(mention), `"${error.message}" should mention "${mention}"`)
    return true
  })
}

describe('applyPatch: purity and change detection', () => {
  it('never mutates the document it is given', () => {
    const input = deepFreeze({ ...storedUser(), [ENTERPRISE]: { manager: { value: 'm1' }, department: 'R&D' } })
    const { document } = patchUser(
      input,
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y.com' },
      { op: 'add', path: 'emails', value: [{ value: 'h@y.com', type: 'home', primary: true }] },
      { op: 'replace', value: { 'name.givenName': 'Q', [`${ENTERPRISE}:manager`]: 'm2' } },
      { op: 'remove', path: `${ENTERPRISE}:department` },
      { op: 'remove', path: 'name.formatted' },
    )
    assert.deepEqual(input, { ...storedUser(), [ENTERPRISE]: { manager: { value: 'm1' }, department: 'R&D' } })
    assert.notEqual(document, input)
  })

  it('reports changed false when the operations leave the document as it was', () => {
    const { document, changed } = patchUser(
      storedUser(),
      { op: 'Replace', path: 'active', value: 'True' },
      { op: 'replace', value: { userName: 'ann@contoso.com', 'name.givenName': 'Ann' } },
      { op: 'add', path: 'emails', value: [{ value: 'ann@contoso.com', type: 'work' }] },
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'remove', path: 'nickName' },
    )
    assert.equal(changed, false)
    assert.deepEqual(document, storedUser())
  })

  it('reports changed true when any attribute differs', () => {
    assert.equal(patchUser(storedUser(), { op: 'add', path: 'title', value: 'CTO' }).changed, true)
  })
})

describe('applyPatch: errors name the operation index', () => {
  it('returns 400 mutability for read-only id, meta and groups, naming the operation', () => {
    const title = { op: 'add', path: 'title', value: 'x' }
    assertRejects(() => patchUser(storedUser(), title, title, { op: 'replace', path: 'id', value: 'x' }), 'mutability', 'Operations[2] (replace id)', '"id" is read-only')
    assertRejects(() => patchUser(storedUser(), { op: 'replace', path: 'meta.lastModified', value: '2024-01-01T00:00:00Z' }), 'mutability', 'Operations[0]', '"meta"')
    assertRejects(() => patchUser(storedUser(), title, { op: 'add', path: 'groups', value: [{ value: 'g1' }] }), 'mutability', 'Operations[1]', '"groups"')
    assertRejects(() => patchUser(storedUser(), { op: 'remove', path: 'groups[value eq "g1"]' }), 'mutability', 'Operations[0]')
  })

  it('ignores (and notes) read-only keys of a path-less value, as Okta echoes id and meta back, and ignores "schemas"', () => {
    const echoed = patchUser(storedUser(), { op: 'replace', value: { displayName: 'x', id: 'usr_1', meta: { resourceType: 'User' } } })
    assert.equal(echoed.document.displayName, 'x')
    assert.equal(echoed.document.id, undefined)
    assert.equal(echoed.document.meta, undefined)
    assert.equal(echoed.ignored.length, 2)
    assert.match(echoed.ignored[0]!, /"id" is read-only/)
    const { document, ignored } = patchUser(storedUser(), { op: 'replace', value: { schemas: ['urn:x'], displayName: 'x' } })
    assert.deepEqual(document.schemas, [USER_SCHEMA_ID])
    assert.deepEqual(ignored, [])
  })

  it('returns 400 mutability for an explicit path to a read-only attribute', () => {
    assertRejects(() => patchUser(storedUser(), { op: 'replace', path: 'id', value: 'usr_1' }), 'mutability', 'Operations[0] (replace id)', '"id"')
  })

  it('returns 400 mutability for the read-only manager.displayName sub-attribute', () => {
    assertRejects(() => patchUser(storedUser(), { op: 'add', path: `${ENTERPRISE}:manager.displayName`, value: 'Bob' }), 'mutability', 'manager.displayName')
  })

  it('returns 400 invalidPath for a value filter on a single-valued attribute', () => {
    assertRejects(() => patchUser(storedUser(), { op: 'replace', path: 'name[givenName eq "Ann"].familyName', value: 'X' }), 'invalidPath', 'Operations[0]', 'single-valued')
  })

  it('returns 400 invalidValue naming the operation and path for a value of the wrong type', () => {
    assertRejects(() => patchUser(storedUser(), { op: 'add', path: 'title', value: 'x' }, { op: 'replace', path: 'active', value: 'yes' }), 'invalidValue', 'Operations[1] (replace active)', 'active')
    assertRejects(() => patchUser(storedUser(), { op: 'replace', value: { 'name.givenName': { first: 'A' } } }), 'invalidValue', 'Operations[0]', 'name.givenName')
  })

  it('returns 400 noTarget when a filter matches nothing and cannot describe a new element', () => {
    assertRejects(() => patchUser(storedUser(), { op: 'replace', path: 'emails[value co "nobody"].type', value: 'home' }), 'noTarget', 'Operations[0]', 'matches no element')
  })

  it('returns 400 invalidValue when an operation makes two elements primary (RFC 7643 §2.4)', () => {
    const two = [{ value: 'a@x.com', primary: true }, { value: 'b@x.com', primary: 'True' }]
    assertRejects(() => patchUser(storedUser(), { op: 'replace', path: 'emails', value: two }), 'invalidValue', 'Operations[0]', 'primary')
  })

  it('returns 400 invalidValue when a whole-extension path is given a non-object', () => {
    assertRejects(() => patchUser(storedUser(), { op: 'add', path: ENTERPRISE, value: 'x' }), 'invalidValue', 'Operations[0]', 'whole schema')
  })

  it('keeps the original error as the cause', () => {
    assert.throws(
      () => patchUser(storedUser(), { op: 'replace', path: 'active', value: 'yes' }),
      (error: unknown) => error instanceof ScimError && error.cause instanceof ScimError,
    )
  })
})

describe('applyPatch: multi-valued attributes', () => {
  it('appends added elements and moves primary to an added primary element', () => {
    const { document } = patchUser(storedUser(), { op: 'add', path: 'emails', value: { value: 'ann@home.org', type: 'home', primary: true } })
    assert.deepEqual(document.emails, [
      { value: 'ann@contoso.com', type: 'work', primary: false },
      { value: 'ann@home.org', type: 'home', primary: true },
    ])
  })

  it('replaces the whole array for replace without a filter, and removes the attribute for an empty array', () => {
    const replaced = patchUser(storedUser(), { op: 'replace', path: 'emails', value: [{ value: 'new@x.com', type: 'other' }] }).document
    assert.deepEqual(replaced.emails, [{ value: 'new@x.com', type: 'other' }])
    assert.equal(Object.hasOwn(patchUser(storedUser(), { op: 'replace', path: 'emails', value: [] }).document, 'emails'), false)
  })

  it('removes the attribute entirely when a filtered remove empties it', () => {
    assert.equal(Object.hasOwn(patchUser(storedUser(), { op: 'remove', path: 'emails[type eq "work"]' }).document, 'emails'), false)
  })

  it('removes a sub-attribute from the selected elements only', () => {
    const user = { ...storedUser(), emails: [{ value: 'a@x.com', type: 'work', primary: true }, { value: 'b@x.com', type: 'home' }] }
    const { document } = patchUser(user, { op: 'remove', path: 'emails[type eq "work"].primary' })
    assert.deepEqual(document.emails, [{ value: 'a@x.com', type: 'work' }, { value: 'b@x.com', type: 'home' }])
  })

  it('matches filter values case-insensitively where the sub-attribute is not caseExact', () => {
    const { document } = patchUser(storedUser(), { op: 'replace', path: 'emails[value eq "ANN@CONTOSO.COM"].type', value: 'other' })
    assert.deepEqual(document.emails, [{ value: 'ann@contoso.com', type: 'other', primary: true }])
  })

  it('merges an object into the elements a filtered add selects', () => {
    const { document } = patchUser(storedUser(), { op: 'add', path: 'emails[type eq "work"]', value: { display: 'Work mail' } })
    assert.deepEqual(document.emails, [{ value: 'ann@contoso.com', type: 'work', primary: true, display: 'Work mail' }])
  })

  it('reads stored attribute names in any case and writes them back canonically', () => {
    const { document } = patchUser({ schemas: [USER_SCHEMA_ID], UserName: 'a', Emails: [{ value: 'a@x.com', type: 'work' }] }, { op: 'add', path: 'emails[type eq "work"].primary', value: true })
    assert.deepEqual(document, { schemas: [USER_SCHEMA_ID], UserName: 'a', emails: [{ value: 'a@x.com', type: 'work', primary: true }] })
  })
})

describe('applyPatch: extension objects', () => {
  it('merges an extension object given under its URN in a path-less value', () => {
    const user = { ...storedUser(), schemas: [USER_SCHEMA_ID, ENTERPRISE], [ENTERPRISE]: { department: 'R&D', costCenter: '1' } }
    const { document } = patchUser(user, { op: 'replace', value: { [ENTERPRISE]: { department: 'Sales', employeeNumber: '7' } } })
    assert.deepEqual(document[ENTERPRISE], { department: 'Sales', costCenter: '1', employeeNumber: '7' })
  })

  it('merges an object sent to the bare extension URN path, and removes the extension with remove', () => {
    const added = patchUser(storedUser(), { op: 'add', path: ENTERPRISE, value: { division: 'North', manager: 'm1' } }).document
    assert.deepEqual(added[ENTERPRISE], { division: 'North', manager: { value: 'm1' } })
    assert.deepEqual(added.schemas, [USER_SCHEMA_ID, ENTERPRISE])
    const removed = patchUser(added, { op: 'remove', path: ENTERPRISE }).document
    assert.deepEqual(removed, storedUser())
  })

  it('finds a stored extension object whose URN key is in another case', () => {
    const user = { ...storedUser(), [ENTERPRISE.toLowerCase()]: { department: 'R&D' } }
    const { document } = patchUser(user, { op: 'add', path: `${ENTERPRISE}:costCenter`, value: '9' })
    assert.deepEqual(document[ENTERPRISE], { department: 'R&D', costCenter: '9' })
    assert.equal(Object.hasOwn(document, ENTERPRISE.toLowerCase()), false)
  })

  it('skips what an unknown extension holds, and its removal, with notes', () => {
    const acme = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User'
    const { ignored, changed } = patchUser(storedUser(), { op: 'add', value: { [acme]: { badgeColour: 'red' } } }, { op: 'remove', path: acme }, { op: 'add', path: acme, value: 'x' })
    assert.equal(changed, false)
    assert.deepEqual(ignored, [
      'Operations[0] (add): "badgeColour" is not an attribute of User; skipped.',
      `Operations[1] (remove ${acme}): "${acme}" is not a schema of User; skipped.`,
      `Operations[2] (add ${acme}): "${acme}" is not a schema of User; skipped.`,
    ])
  })

  it('does not store a password (write-only) and says so', () => {
    const { document, ignored } = patchUser(storedUser(), { op: 'replace', path: 'password', value: 't1meMa$heen' })
    assert.equal(Object.hasOwn(document, 'password'), false)
    assert.match(ignored[0] ?? '', /password.*write-only/)
  })
})

describe('applyPatch: RFC 7644 §3.5.2 examples', () => {
  const babs = { value: '2819c223-7f76-453a-919d-413861904646', $ref: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' }

  it('§3.5.2.1 adds a member with display and $ref', () => {
    const { document } = patchGroup({ schemas: [GROUP_SCHEMA_ID], displayName: 'Tour Guides' }, { op: 'add', path: 'members', value: [babs] })
    assert.deepEqual(document.members, [babs])
  })

  it('§3.5.2.1 adds emails and a nickname with a path-less value', () => {
    const { document } = patchUser(storedUser(), { op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickName: 'Babs' } })
    assert.deepEqual(document.emails, [{ value: 'ann@contoso.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }])
    assert.equal(document.nickName, 'Babs')
  })

  it('§3.5.2.2 removes a member by filter, all members, then replaces members by remove-then-add', () => {
    const group = { ...storedGroup(), members: [...(storedGroup().members as unknown[]), babs] }
    assert.deepEqual(patchGroup(group, { op: 'remove', path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }).document, storedGroup())
    const replaced = patchGroup(group, { op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: 'u9', display: 'Zed' }] }).document
    assert.deepEqual(replaced.members, [{ value: 'u9', display: 'Zed' }])
  })

  it('§3.5.2.3 replaces members, a filtered address, and one sub-attribute of it', () => {
    assert.deepEqual(patchGroup(storedGroup(), { op: 'replace', path: 'members', value: [babs] }).document.members, [babs])
    const user = { ...storedUser(), addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood' }, { type: 'home', locality: 'Malibu' }] }
    const wholeAddress = patchUser(user, {
      op: 'replace',
      path: 'addresses[type eq "work"]',
      value: { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', postalCode: '91608', primary: true },
    }).document
    assert.deepEqual(wholeAddress.addresses, [
      { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', postalCode: '91608', primary: true },
      { type: 'home', locality: 'Malibu' },
    ])
    const street = patchUser(user, { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }).document
    assert.deepEqual(street.addresses, [{ type: 'work', streetAddress: '1010 Broadway Ave', locality: 'Hollywood' }, { type: 'home', locality: 'Malibu' }])
  })

  it('§3.5.2.3 keeps what the filter implies when the replacement element omits it', () => {
    const { document } = patchUser(storedUser(), { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w@x.com' } })
    assert.deepEqual(document.emails, [{ type: 'work', value: 'w@x.com' }])
  })
})

describe('applyPatch: direct callers', () => {
  it('rejects a path-less operation whose value is not an object even when called without parsePatchRequest', () => {
    assertRejects(() => applyPatch(storedUser(), [{ op: 'add', value: 'x', index: 4 }], userResourceSchema), 'invalidSyntax', 'Operations[4]')
  })

  it('works on group documents with the group schema', () => {
    const result = applyPatch(storedGroup(), [{ op: 'remove', path: { attribute: { attribute: 'members', raw: 'members' }, raw: 'members' }, value: [{ value: 'u2' }], index: 0 }], groupResourceSchema)
    assert.deepEqual(result.document.members, [{ value: 'u1', display: 'Ann' }])
  })
})
