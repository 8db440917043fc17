import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AttributePath } from './ast.js'
import { isCaseExactByDefault, matchesFilter, type FilterEvaluationOptions } from './evaluate-filter.js'
import { parseFilter } from './parse-filter.js'

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'

/** A user as Entra creates it (field guide §1.4), plus a few attributes to compare on. */
const alice: Record<string, unknown> = {
  schemas: [CORE_USER, ENTERPRISE],
  id: 'usr_Abc123',
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Alice@Contoso.com',
  displayName: 'Alice Smith',
  active: 'True',
  title: '',
  nickName: null,
  loginCount: 7,
  name: { givenName: 'Alice', familyName: 'Smith' },
  emails: [
    { type: 'work', value: 'alice@contoso.com', primary: true },
    { type: 'home', value: 'alice@home.example', primary: 'False' },
  ],
  roles: [],
  meta: { resourceType: 'User', created: '2024-03-01T10:00:00Z', lastModified: '2024-03-05T12:30:00.000Z', version: 'W/"AbC"' },
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Sales', manager: { value: 'usr_Boss' } },
}

const matches = (filter: string, resource: Record<string, unknown> = alice, options?: FilterEvaluationOptions) =>
  matchesFilter(resource, parseFilter(filter), options)

describe('matchesFilter', () => {
  it('matches userName case-insensitively, as Entra expects of a filter with a different case', () => {
    assert.equal(matches('userName eq "ALICE@CONTOSO.COM"'), true)
    assert.equal(matches('USERNAME eq "alice@contoso.com"'), true)
    assert.equal(matches('userName eq "bob@contoso.com"'), false)
  })

  it('returns false for the Entra probe of a random GUID', () => {
    assert.equal(matches('userName eq "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"'), false)
  })

  it('compares id, externalId and meta.version case-exactly by default', () => {
    assert.equal(matches('id eq "usr_Abc123"'), true)
    assert.equal(matches('id eq "USR_ABC123"'), false)
    assert.equal(matches('externalId eq "0A21F0F2-8D2A-4F8E-BF98-7363C4AED4EF"'), false)
    assert.equal(matches('meta.version eq "W/\\"abc\\""'), false)
    assert.equal(matches('meta.version eq "W/\\"AbC\\""'), true)
  })

  it('lets the caller decide which attributes are case-exact', () => {
    const everythingExact = { isCaseExact: (_path: AttributePath) => true }
    assert.equal(matches('userName eq "alice@contoso.com"', alice, everythingExact), false)
    assert.equal(matches('userName eq "Alice@Contoso.com"', alice, everythingExact), true)
  })

  it('finds attributes whatever the case of the stored keys', () => {
    assert.equal(matches('displayname eq "alice smith"', { DisplayName: 'Alice Smith' }), true)
    assert.equal(matches('name.givenname sw "al"', { NAME: { GivenName: 'Alice' } }), true)
  })

  it('supports co, sw and ew on strings', () => {
    assert.equal(matches('userName co "contoso"'), true)
    assert.equal(matches('userName sw "alice@"'), true)
    assert.equal(matches('userName ew ".COM"'), true)
    assert.equal(matches('userName ew ".org"'), false)
  })

  it('matches a multi-valued attribute when any element matches', () => {
    assert.equal(matches('emails.value eq "alice@home.example"'), true)
    assert.equal(matches('emails.type eq "other"'), false)
  })

  it("compares a multi-valued complex attribute without a sub-attribute by its elements' value", () => {
    assert.equal(matches('emails eq "ALICE@contoso.com"'), true)
    assert.equal(matches('emails co "home.example"'), true)
  })

  it('evaluates value paths against one element at a time', () => {
    assert.equal(matches('emails[type eq "work" and value co "contoso"]'), true)
    assert.equal(matches('emails[type eq "home" and value co "contoso"]'), false)
    assert.equal(matches('emails[type eq "work"].value eq "alice@contoso.com"'), true)
    assert.equal(matches('emails[type eq "home"].value eq "alice@contoso.com"'), false)
  })

  it('matches a group by a member inside a value path, combined with id', () => {
    const group = { id: 'grp_1', displayName: 'Sales', members: [{ value: 'usr_1' }, { value: 'usr_2', $ref: null }] }
    assert.equal(matches('id eq "grp_1" and members[value eq "usr_2"]', group), true)
    assert.equal(matches('id eq "grp_1" and members[value eq "usr_3"]', group), false)
  })

  it('compares booleans with Entra\'s "True"/"False" strings on either side', () => {
    assert.equal(matches('active eq true'), true)
    assert.equal(matches('active eq false'), false)
    assert.equal(matches('active eq "TRUE"', { active: true }), true)
    assert.equal(matches('emails[primary eq "True"].value eq "alice@contoso.com"'), true)
    assert.equal(matches('emails[primary eq false].type eq "home"'), true)
  })

  it('treats gt/ge/lt/le on booleans and mismatched types as no match rather than an error', () => {
    assert.equal(matches('active gt "a"', { active: true }), false)
    assert.equal(matches('loginCount eq "7"'), false)
    assert.equal(matches('userName eq 7'), false)
    assert.equal(matches('name eq "Alice"'), false)
    assert.equal(matches('loginCount co "7"'), false)
  })

  it('compares numbers numerically', () => {
    assert.equal(matches('loginCount gt 6.5'), true)
    assert.equal(matches('loginCount ge 7'), true)
    assert.equal(matches('loginCount lt 7'), false)
    assert.equal(matches('loginCount le 1e1'), true)
  })

  it('orders ISO dateTimes as instants, whatever their precision or offset', () => {
    assert.equal(matches('meta.lastModified gt "2024-03-05T12:29:59Z"'), true)
    assert.equal(matches('meta.lastModified gt "2024-03-05T14:29:59+02:00"'), true)
    assert.equal(matches('meta.lastModified lt "2024-03-05T14:29:59+02:00"'), false)
    assert.equal(matches('meta.lastModified eq "2024-03-05T12:30:00Z"'), true)
    assert.equal(matches('meta.lastModified ge "2024-03-05T12:30:00.001Z"'), false)
    assert.equal(matches('meta.created le "2024-03-01T10:00:00Z"'), true)
  })

  it('orders other strings lexicographically and case-insensitively', () => {
    assert.equal(matches('displayName gt "alice"'), true)
    assert.equal(matches('displayName lt "BOB"'), true)
    assert.equal(matches('displayName ge "Alice Smith"'), true)
  })

  it('treats null, empty strings, empty arrays and empty objects as not present', () => {
    assert.equal(matches('displayName pr'), true)
    assert.equal(matches('title pr'), false)
    assert.equal(matches('nickName pr'), false)
    assert.equal(matches('roles pr'), false)
    assert.equal(matches('phoneNumbers pr'), false)
    assert.equal(matches('emails pr'), true)
    assert.equal(matches('name pr', { name: {} }), false)
    assert.equal(matches('name pr', { name: { givenName: null } }), false)
  })

  it('treats eq null as absent and ne null as present', () => {
    assert.equal(matches('nickName eq null'), true)
    assert.equal(matches('phoneNumbers eq null'), true)
    assert.equal(matches('displayName eq null'), false)
    assert.equal(matches('displayName ne null'), true)
    assert.equal(matches('title ne null'), false)
  })

  it('makes ne the negation of eq, so it holds for absent attributes and needs every element to differ', () => {
    assert.equal(matches('displayName ne "Bob"'), true)
    assert.equal(matches('displayName ne "alice smith"'), false)
    assert.equal(matches('nickName ne "Al"'), true)
    assert.equal(matches('emails.type ne "home"'), false)
  })

  it('combines with not, and, or and parentheses', () => {
    assert.equal(matches('not (userName eq "bob@contoso.com")'), true)
    assert.equal(matches('userName eq "bob@contoso.com" or displayName sw "Alice"'), true)
    assert.equal(matches('userName eq "bob@contoso.com" or displayName sw "Alice" and loginCount gt 10'), false)
    assert.equal(matches('(userName eq "bob@contoso.com" or displayName sw "Alice") and not (loginCount gt 10)'), true)
  })

  it('looks up extension attributes under their URN key, case-insensitively', () => {
    assert.equal(matches(`${ENTERPRISE}:employeeNumber eq "701984"`), true)
    assert.equal(matches(`${ENTERPRISE.toUpperCase()}:DEPARTMENT eq "sales"`), true)
    assert.equal(matches(`${ENTERPRISE}:manager.value eq "usr_Boss"`), true)
    assert.equal(matches(`${ENTERPRISE}:employeeNumber eq "1"`), false)
    assert.equal(matches('urn:ietf:params:scim:schemas:extension:other:2.0:User:employeeNumber pr'), false)
  })

  it('does not find an extension attribute at the top level by its bare name', () => {
    assert.equal(matches('employeeNumber eq "701984"'), false)
  })

  it('reads core-schema-qualified attributes at the top level', () => {
    assert.equal(matches(`${CORE_USER}:userName eq "alice@contoso.com"`), true)
    assert.equal(matches(`${CORE_USER}:userName eq "alice@contoso.com"`, alice, { coreSchema: CORE_USER }), true)
  })

  it('reads attributes qualified with a core schema that is not the resource core schema under that URN key', () => {
    const options = { coreSchema: 'urn:ietf:params:scim:schemas:core:2.0:Group' }
    assert.equal(matches(`${CORE_USER}:userName eq "alice@contoso.com"`, alice, options), false)
  })

  it('lets a value path over primitive elements compare them as value', () => {
    assert.equal(matches(`schemas[value eq "${ENTERPRISE}"]`), true)
    assert.equal(matches(`schemas eq "${CORE_USER}"`), true)
  })

  it('never throws on odd resource shapes', () => {
    const odd: Record<string, unknown> = { emails: 'not-an-array', name: ['x'], meta: null, active: 3, members: [null, 1, [2]] }
    for (const filter of ['emails[type eq "work"]', 'name.givenName eq "x"', 'meta.lastModified gt "2020-01-01T00:00:00Z"', 'active eq true', 'members[value eq "2"]', 'members.value pr']) {
      assert.doesNotThrow(() => matches(filter, odd), filter)
    }
  })
})

describe('isCaseExactByDefault', () => {
  it('is true only for id, externalId and meta.version', () => {
    const path = (text: string): AttributePath => {
      const node = parseFilter(`${text} pr`)
      assert.equal(node.kind, 'present')
      return (node as { path: AttributePath }).path
    }
    assert.deepEqual(
      ['id', 'externalId', 'meta.version', 'userName', 'displayName', 'meta.created', 'emails.value'].map((text) => isCaseExactByDefault(path(text))),
      [true, true, true, false, false, false, false],
    )
  })
})
