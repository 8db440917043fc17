import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import {
  assertScimResponse,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  entraCreateBody,
  ScimClient,
  uniqueUserName,
  type ScimUserBody,
} from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** Every writable core User attribute (RFC 7643 §4.1, the §8.2 full representation) and every enterprise one (§4.3). */
function fullUser(userName: string): Record<string, unknown> {
  return {
    schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    externalId: randomUUID(),
    userName,
    name: { formatted: 'Ms. Barbara J Jensen, III', familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane', honorificPrefix: 'Ms.', honorificSuffix: 'III' },
    displayName: 'Babs Jensen',
    nickName: 'Babs',
    profileUrl: 'https://login.example.com/bjensen',
    title: 'Tour Guide',
    userType: 'Employee',
    preferredLanguage: 'en-US',
    locale: 'en-US',
    timezone: 'America/Los_Angeles',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    phoneNumbers: [
      { value: '555-555-5555', type: 'work' },
      { value: '555-555-4444', type: 'mobile' },
    ],
    ims: [{ value: 'someaimhandle', type: 'aim' }],
    photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
    addresses: [
      { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA', formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA', primary: true },
      { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA', formatted: '456 Hollywood Blvd\nHollywood, CA 91608 USA' },
    ],
    entitlements: [{ value: 'Premium access' }],
    roles: [{ value: 'Tour guide', type: 'job' }],
    x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
    [ENTERPRISE_USER_SCHEMA]: {
      employeeNumber: '701984',
      costCenter: '4130',
      organization: 'Universal Studios',
      division: 'Theme Park',
      department: 'Tour Operations',
      manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', $ref: 'https://roster.test/org/scim/v2/Users/26118915-6090-4610-87e4-49d8ca9f808d' },
    },
  }
}

/** Asserts that every attribute written appears in `user` exactly as written. */
function assertRoundTrip(written: Record<string, unknown>, user: ScimUserBody): void {
  for (const [attribute, value] of Object.entries(written)) {
    if (attribute === 'schemas') {
      for (const schema of value as string[]) assert.ok(user.schemas.includes(schema), `schemas keeps ${schema}`)
      continue
    }
    assert.deepEqual(user[attribute], value, `${attribute} round-trips exactly`)
  }
}

// Issue 2: "Every core User and enterprise-extension attribute round-trips exactly as written."
for (const dialect of DIALECTS) {
  describe(`${dialect}: /Users stores what it is given`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    test('every core and enterprise attribute of a create comes back exactly as written, on POST and on GET', async () => {
      const written = fullUser(uniqueUserName('full'))
      const created = await entra.createUser(written)
      assertRoundTrip(written, created)
      assertRoundTrip(written, await entra.getUser(created.id))
    })

    test('PUT replaces the whole user: new values round-trip and attributes left out are gone', async () => {
      const created = await entra.createUser(fullUser(uniqueUserName('put')))
      const replacement = fullUser(uniqueUserName('put2'))
      delete replacement.nickName
      delete replacement.phoneNumbers
      replacement.title = 'Head Guide'
      const response = await entra.send('PUT', `/Users/${created.id}`, { ...replacement, id: created.id })
      assertScimResponse(response, 200)
      const user = await entra.getUser(created.id)
      assertRoundTrip(replacement, user)
      assert.equal(user.nickName, undefined)
      assert.equal(user.phoneNumbers, undefined)
      assert.equal(user.id, created.id)
      assert.equal(user.meta.created, created.meta.created)
      assert.equal((await entra.findUsers(`userName eq "${String(replacement.userName)}"`)).totalResults, 1)
    })

    test('values keep their case and spelling: no normalisation of userName, emails or names', async () => {
      const userName = `Mixed.Case_${randomUUID().slice(0, 6)}@Contoso.TEST`
      const written = entraCreateBody(userName, { displayName: '  Zoë  Ünal ', emails: [{ value: 'Zoe.Unal@Contoso.TEST', type: 'work', primary: true }] })
      const user = await entra.getUser((await entra.createUser(written)).id)
      assert.equal(user.userName, userName)
      assert.equal(user.displayName, '  Zoë  Ünal ')
      assert.equal(user.emails?.[0]?.value, 'Zoe.Unal@Contoso.TEST')
    })

    test('id, meta and groups sent by the client are ignored, and a password is never returned', async () => {
      const created = await entra.createUser(
        entraCreateBody(uniqueUserName('readonly'), {
          id: 'client-chosen-id',
          meta: { resourceType: 'User', created: '2019-09-18T18:15:26.5788954+00:00', lastModified: '2019-09-18T18:15:26.5788976+00:00' },
          groups: [{ value: 'grp_x', display: 'Admins' }],
          password: 'P@ssw0rd!',
        }),
      )
      assert.notEqual(created.id, 'client-chosen-id')
      assert.notEqual(created.meta.created, '2019-09-18T18:15:26.5788954+00:00')
      const user = await entra.getUser(created.id)
      assert.equal(user.password, undefined)
      assert.equal(user.groups, undefined)
      const raw = (await entra.get(`/Users/${created.id}`)).body
      assert.ok(!raw.includes('P@ssw0rd!'), 'the password must never be echoed')
    })

    test('attribute names are case-insensitive on write and read back in their canonical spelling', async () => {
      const created = await entra.createUser({
        schemas: [CORE_USER_SCHEMA],
        UserName: uniqueUserName('casing'),
        DisplayName: 'Case Test',
        Emails: [{ Value: 'case@contoso.test', Type: 'work', Primary: true }],
        [ENTERPRISE_USER_SCHEMA]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
      })
      const user = await entra.getUser(created.id)
      assert.equal(user.displayName, 'Case Test')
      assert.deepEqual(user.emails, [{ value: 'case@contoso.test', type: 'work', primary: true }])
      assert.deepEqual(user[ENTERPRISE_USER_SCHEMA], { department: 'bob', manager: { value: 'SuzzyQ' } })
    })

    test('meta.lastModified and the version move on every change and meta.created stays', async () => {
      const created = await entra.createUser()
      await new Promise((resolve) => setTimeout(resolve, 5))
      const patched = await entra.patchUserOk(created.id, { op: 'replace', path: 'title', value: 'Later' })
      assert.equal(patched.meta.created, created.meta.created)
      assert.ok(Date.parse(patched.meta.lastModified) > Date.parse(created.meta.lastModified))
      assert.notEqual(patched.meta.version, created.meta.version)
    })
  })
}
