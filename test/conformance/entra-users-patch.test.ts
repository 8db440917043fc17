import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import {
  assertScimError,
  assertScimResponse,
  ENTERPRISE_USER_SCHEMA,
  entraCreateBody,
  PATCH_OP_SCHEMA,
  ScimClient,
  uniqueUserName,
  type ScimUserBody,
} from './support/scim-client.js'

const enterpriseOf = (user: ScimUserBody) => (user[ENTERPRISE_USER_SCHEMA] ?? {}) as Record<string, unknown>
const MANAGER_PATH = `${ENTERPRISE_USER_SCHEMA}:manager`

// Field guide §1.5 (the PATCH table), §1.6, §4 (validator shapes) and §5 #5–#11, #17, #27, #29.
for (const dialect of DIALECTS) {
  describe(`${dialect}: Entra updates users with PATCH`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    /** A user with a work and a home address, a full name and enterprise attributes. */
    const createRichUser = () =>
      entra.createUser(
        entraCreateBody(uniqueUserName('patch'), {
          displayName: 'Barbara Jensen',
          name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
          emails: [
            { primary: true, type: 'work', value: 'bjensen@contoso.test' },
            { type: 'home', value: 'babs@home.test' },
          ],
          [ENTERPRISE_USER_SCHEMA]: { department: 'Tour Operations', employeeNumber: '701984' },
        }),
      )

    test('§5 #5 active arrives as "False", "false", false, "True", "true" and true; GET always shows a JSON boolean', async () => {
      const created = await entra.createUser()
      for (const [value, expected] of [['False', false], ['True', true], ['false', false], ['true', true], [false, false], [true, true]] as const) {
        const user = await entra.patchUserOk(created.id, { op: 'Replace', path: 'active', value })
        assert.equal(user.active, expected, `active ${JSON.stringify(value)}`)
      }
    })

    test('§5 #6 op is accepted as Add, Replace and Remove and in lowercase', async () => {
      const created = await entra.createUser()
      assert.equal((await entra.patchUserOk(created.id, { op: 'Add', path: 'nickName', value: 'Babs' })).nickName, 'Babs')
      assert.equal((await entra.patchUserOk(created.id, { op: 'Replace', path: 'nickName', value: 'Barb' })).nickName, 'Barb')
      assert.equal((await entra.patchUserOk(created.id, { op: 'Remove', path: 'nickName' })).nickName, undefined)
      assert.equal((await entra.patchUserOk(created.id, { op: 'add', path: 'nickName', value: 'Bee' })).nickName, 'Bee')
      assert.equal((await entra.patchUserOk(created.id, { op: 'replace', path: 'nickName', value: 'Bea' })).nickName, 'Bea')
      assert.equal((await entra.patchUserOk(created.id, { op: 'remove', path: 'nickName' })).nickName, undefined)
    })

    test('§1.5 PATCH answers 200 with the updated user (RFC 7644 §3.5.2)', async () => {
      const created = await entra.createUser()
      const response = await entra.patchUser(created.id, { op: 'Replace', path: 'displayName', value: 'Shown' })
      assertScimResponse(response, 200)
      const body = response.json<ScimUserBody>()
      assert.equal(body.id, created.id)
      assert.equal(body.displayName, 'Shown')
      assert.equal(body.meta.resourceType, 'User')
    })

    test('§1.5 Replace emails[type eq "work"].value changes the work address and leaves the home one', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' })
      assert.equal(user.emails?.find((e) => e.type === 'work')?.value, 'TestMhvaes@test.microsoft.com')
      assert.equal(user.emails?.find((e) => e.type === 'home')?.value, 'babs@home.test')
      assert.equal(user.emails?.length, 2)
      const found = await entra.findUsers('emails[type eq "work"].value eq "testmhvaes@test.microsoft.com"')
      assert.deepEqual(found.Resources.map((u) => u.id), [created.id])
    })

    test('§1.5 Replace name.familyName and userName by path', async () => {
      const created = await createRichUser()
      const renamed = uniqueUserName('renamed')
      const user = await entra.patchUserOk(
        created.id,
        { op: 'Replace', path: 'name.familyName', value: 'F' },
        { op: 'Replace', path: 'userName', value: renamed },
      )
      assert.deepEqual(user.name, { formatted: 'Barbara Jensen', familyName: 'F', givenName: 'Barbara' })
      assert.equal(user.userName, renamed)
      assert.equal((await entra.findUsers(`userName eq "${renamed}"`)).totalResults, 1)
      assert.equal((await entra.findUsers(`userName eq "${created.userName}"`)).totalResults, 0)
    })

    test('§1.5 Replace of an enterprise attribute by its URN path stores it in the extension', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, value: 'Eqpj' })
      assert.equal(enterpriseOf(user).employeeNumber, 'Eqpj')
      assert.equal(enterpriseOf(user).department, 'Tour Operations')
    })

    test('§1.5 the flagged multi-attribute replace (filtered path plus path-less dotted and URN keys) applies every value', async () => {
      const created = await createRichUser()
      const response = await entra.send('PATCH', `/Users/${created.id}`, {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
          {
            op: 'replace',
            value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: 'Aklq' },
          },
        ],
      })
      assertScimResponse(response, 200)
      const user = await entra.getUser(created.id)
      assert.equal(user.displayName, 'Bjfe')
      assert.equal(user.name?.givenName, 'Kkom')
      assert.equal(user.name?.familyName, 'Unua')
      assert.equal(enterpriseOf(user).employeeNumber, 'Aklq')
      assert.equal(user.emails?.find((e) => e.type === 'work')?.value, 'TestMhvaes@test.microsoft.com')
    })

    test('§5 #7 path-less dotted keys update the name parts and wipe nothing else', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, {
        op: 'replace',
        value: { 'name.givenName': 'A', 'name.familyName': 'B', displayName: 'A B' },
      })
      assert.deepEqual(user.name, { formatted: 'Barbara Jensen', givenName: 'A', familyName: 'B' })
      assert.equal(user.displayName, 'A B')
      assert.deepEqual(user.emails, created.emails)
      assert.equal(user.externalId, created.externalId)
      assert.deepEqual(enterpriseOf(user), enterpriseOf(created))
    })

    test('§5 #8 a path-less replace of active alone changes only active', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'replace', value: { active: false } })
      assert.equal(user.active, false)
      const { active: _before, meta: _m1, ...restBefore } = created
      const { active: _after, meta: _m2, ...restAfter } = user
      assert.deepEqual(restAfter, restBefore)
    })

    test('§5 #9 a path-less URN key stores the enterprise department', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'replace', value: { [`${ENTERPRISE_USER_SCHEMA}:department`]: 'X' } })
      assert.equal(enterpriseOf(user).department, 'X')
      assert.equal(enterpriseOf(user).employeeNumber, '701984')
    })

    test('§5 #10 a manager sent as a bare id on its URN path is accepted and shown as {value}', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'Add', path: MANAGER_PATH, value: '45619541-f6a2-4c52-9f47-5d1a3fbcd0e1' })
      assert.equal((enterpriseOf(user).manager as Record<string, unknown>).value, '45619541-f6a2-4c52-9f47-5d1a3fbcd0e1')
    })

    test('§4 §5 #10 a manager sent as {"value": …} (the validator) is accepted, replaced and removed', async () => {
      const created = await createRichUser()
      let user = await entra.patchUserOk(created.id, { op: 'add', path: MANAGER_PATH, value: { value: 'AXTKDLNRKMKT' } })
      assert.equal((enterpriseOf(user).manager as Record<string, unknown>).value, 'AXTKDLNRKMKT')
      user = await entra.patchUserOk(created.id, { op: 'replace', path: MANAGER_PATH, value: { value: 'QWERTYUIOP' } })
      assert.equal((enterpriseOf(user).manager as Record<string, unknown>).value, 'QWERTYUIOP')
      user = await entra.patchUserOk(created.id, { op: 'remove', path: MANAGER_PATH })
      assert.equal(enterpriseOf(user).manager, undefined)
    })

    test('§5 #10 a manager sent as [{"$ref", "value"}] on the plain path "manager" (older doc) is not a 400', async () => {
      const created = await createRichUser()
      const response = await entra.patchUser(created.id, {
        op: 'Add',
        path: 'manager',
        value: [{ $ref: 'https://roster.test/org/scim/v2/Users/26118915-6090-4610-87e4-49d8ca9f808d', value: '26118915-6090-4610-87e4-49d8ca9f808d' }],
      })
      assertScimResponse(response, 200)
      const manager = enterpriseOf(await entra.getUser(created.id)).manager as Record<string, unknown> | undefined
      if (manager !== undefined) assert.equal(manager.value, '26118915-6090-4610-87e4-49d8ca9f808d')
    })

    test('§5 #11 a filtered Add on a user without emails creates {"type": "work", "value": …}', async () => {
      const created = await entra.createUser(entraCreateBody(uniqueUserName('noemail'), { emails: undefined }))
      assert.equal(created.emails, undefined)
      const user = await entra.patchUserOk(created.id, { op: 'Add', path: 'emails[type eq "work"].value', value: 'a@b.com' })
      assert.deepEqual(
        user.emails?.map(({ type, value }) => ({ type, value })),
        [{ type: 'work', value: 'a@b.com' }],
      )
    })

    test('§5 #17 a PATCH mixing active "False" with an address path and unknown paths still deactivates', async () => {
      const created = await createRichUser()
      const response = await entra.patchUser(
        created.id,
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'X' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:somevendor:2.0:User:costCode', value: 'C-1' },
        { op: 'Add', path: 'favouriteColour', value: 'teal' },
      )
      assertScimResponse(response, 200)
      const user = await entra.getUser(created.id)
      assert.equal(user.active, false)
      assert.deepEqual(user.emails, created.emails)
    })

    test('§5 #27 GET shows every PATCHed value in the format it was sent', async () => {
      const created = await createRichUser()
      const sent = { nickName: 'Babs', title: 'Tour Guide', displayName: 'Babs Jensen', givenName: 'Babs', employeeNumber: 'E-00042', email: 'Babs.Jensen@Contoso.test' }
      const user = await entra.patchUserOk(
        created.id,
        { op: 'Add', path: 'nickName', value: sent.nickName },
        { op: 'Add', path: 'title', value: sent.title },
        { op: 'Replace', path: 'displayName', value: sent.displayName },
        { op: 'Replace', path: 'name.givenName', value: sent.givenName },
        { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, value: sent.employeeNumber },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: sent.email },
      )
      assert.equal(user.nickName, sent.nickName)
      assert.equal(user.title, sent.title)
      assert.equal(user.displayName, sent.displayName)
      assert.equal(user.name?.givenName, sent.givenName)
      assert.equal(enterpriseOf(user).employeeNumber, sent.employeeNumber)
      assert.equal(user.emails?.find((e) => e.type === 'work')?.value, sent.email)
      // The next cycle re-sends the same values: still accepted, nothing changes.
      const again = await entra.patchUserOk(created.id, { op: 'Replace', path: 'nickName', value: sent.nickName }, { op: 'Replace', path: 'active', value: 'True' })
      assert.deepEqual({ ...again, meta: undefined }, { ...user, meta: undefined })
    })

    test('§5 #29 an empty Operations list is 400 invalidSyntax and changes nothing', async () => {
      const created = await entra.createUser()
      assertScimError(await entra.send('PATCH', `/Users/${created.id}`, { schemas: [PATCH_OP_SCHEMA], Operations: [] }), 400, 'invalidSyntax')
      assert.deepEqual(await entra.getUser(created.id), created)
    })

    test('§1.5 PATCH is atomic: when one operation is invalid, none is applied', async () => {
      const created = await createRichUser()
      const response = await entra.patchUser(
        created.id,
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'displayName', value: 'Should not stick' },
        { op: 'Replace', path: 'modernloopRole', value: 'OWNER' },
      )
      assertScimError(response, 400, 'invalidValue')
      const user = await entra.getUser(created.id)
      assert.equal(user.active, true)
      assert.equal(user.displayName, 'Barbara Jensen')
    })

    test('§4 validator: a path-less replace of userName renames the user', async () => {
      const created = await entra.createUser()
      const renamed = uniqueUserName('validator')
      assert.equal((await entra.patchUserOk(created.id, { op: 'replace', value: { userName: renamed } })).userName, renamed)
    })

    test('§4 validator: emails[primary eq true].value replaces the primary address only', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'replace', path: 'emails[primary eq true].value', value: 'primary@contoso.test' })
      assert.equal(user.emails?.find((e) => e.primary === true)?.value, 'primary@contoso.test')
      assert.equal(user.emails?.find((e) => e.type === 'home')?.value, 'babs@home.test')
    })

    test('§4 validator: several operations on the same attribute apply in order', async () => {
      const created = await entra.createUser()
      const user = await entra.patchUserOk(
        created.id,
        { op: 'add', path: 'title', value: 'First' },
        { op: 'replace', path: 'title', value: 'Second' },
        { op: 'replace', value: { title: 'Third', displayName: 'Ordered' } },
      )
      assert.equal(user.title, 'Third')
      assert.equal(user.displayName, 'Ordered')
    })

    test('§1.5 Remove of a filtered email element removes that element only', async () => {
      const created = await createRichUser()
      const user = await entra.patchUserOk(created.id, { op: 'Remove', path: 'emails[type eq "home"]' })
      assert.deepEqual(user.emails?.map((e) => e.type), ['work'])
    })
  })
}
