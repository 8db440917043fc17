import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { DirectoryUser } from '../../src/directory/types.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
/** More than two keyset pages of members (the routes page by 1,000), so the streamed path is the one exercised. */
const BIG_GROUP_SIZE = 2_500

async function scim(t: TestApp, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  const headers = body === undefined ? { authorization: `Bearer ${t.token}` } : scimHeaders(t.token)
  const response = await t.app.inject({ method, url: `/org/scim/v2${url}`, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })
  return { status: response.statusCode, text: response.body, headers: response.headers }
}

/** Users written straight through the real store: thousands of HTTP creates would only slow the test down. */
async function seedUsers(t: TestApp, count: number, prefix: string): Promise<string[]> {
  const now = new Date().toISOString()
  const users: DirectoryUser[] = Array.from({ length: count }, (_, i) => {
    const userName = `${prefix}${String(i).padStart(5, '0')}@example.com`
    return {
      id: `usr_${prefix}${String(i).padStart(5, '0')}`,
      orgId: t.orgId,
      userName,
      externalId: null,
      displayName: `Member ${i}`,
      active: true,
      role: 'INTERVIEWER',
      directoryRole: null,
      source: 'scim',
      lastProvisionedAt: now,
      emails: [],
      document: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName: `Member ${i}` },
      version: 1,
      createdAt: now,
      updatedAt: now,
    }
  })
  await t.store.transaction(async (tx) => {
    for (const user of users) await tx.insertUser(user)
  })
  return users.map((user) => user.id)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM /Groups at scale and under concurrency`, () => {
    let t: TestApp
    let bigGroup: string
    let members: string[]

    before(async () => {
      t = await createTestApp(dialect)
      members = await seedUsers(t, BIG_GROUP_SIZE, 'big')
      const created = await scim(t, 'POST', '/Groups', { displayName: 'Everyone' })
      bigGroup = JSON.parse(created.text).id
      for (let start = 0; start < members.length; start += 1_000) {
        const batch = members.slice(start, start + 1_000).map((value) => ({ $ref: null, value }))
        const answer = await scim(t, 'PATCH', `/Groups/${bigGroup}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: batch }] })
        assert.equal(answer.status, 204, answer.text)
      }
    })
    after(() => t.close())

    it(`streams a group of ${BIG_GROUP_SIZE} members as valid JSON with every member once`, async () => {
      const answer = await scim(t, 'GET', `/Groups/${bigGroup}`)
      assert.equal(answer.status, 200)
      assert.match(String(answer.headers['content-type']), /application\/scim\+json/)
      assert.equal(answer.headers['transfer-encoding'], 'chunked', 'members beyond one page are streamed')
      const group = JSON.parse(answer.text)
      assert.equal(group.id, bigGroup)
      assert.equal(group.displayName, 'Everyone')
      assert.equal(group.members.length, BIG_GROUP_SIZE)
      const ids = new Set(group.members.map((member: { value: string }) => member.value))
      assert.equal(ids.size, BIG_GROUP_SIZE)
      assert.deepEqual([...ids].sort(), [...members].sort())
      assert.equal(group.members[0].type, 'User')
      assert.match(group.members[0].$ref, /\/org\/scim\/v2\/Users\/usr_big\d{5}$/)
    })

    it('streams the big group inside a ListResponse too, with the right itemsPerPage', async () => {
      const answer = await scim(t, 'GET', `/Groups?filter=${encodeURIComponent(`displayName eq "everyone"`)}&attributes=displayName,members.value`)
      assert.equal(answer.status, 200)
      const list = JSON.parse(answer.text)
      assert.equal(list.totalResults, 1)
      assert.equal(list.itemsPerPage, 1)
      assert.equal(list.Resources[0].members.length, BIG_GROUP_SIZE)
      assert.deepEqual(Object.keys(list.Resources[0].members[0]), ['value'])
    })

    it('streams a list of several groups whose members together exceed one page', async () => {
      const small = await scim(t, 'POST', '/Groups', { displayName: 'Small', members: members.slice(0, 3).map((value) => ({ value })) })
      assert.equal(small.status, 201)
      const answer = await scim(t, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "Everyone" or displayName eq "Small"')}`)
      const list = JSON.parse(answer.text)
      assert.equal(list.itemsPerPage, 2)
      const sizes = Object.fromEntries(list.Resources.map((group: { displayName: string; members: unknown[] }) => [group.displayName, group.members.length]))
      assert.deepEqual(sizes, { Everyone: BIG_GROUP_SIZE, Small: 3 })
    })

    it('leaves members out entirely under excludedAttributes=members, however big the group', async () => {
      const answer = await scim(t, 'GET', `/Groups/${bigGroup}?excludedAttributes=members`)
      assert.equal(answer.status, 200)
      assert.ok(answer.text.length < 1_000, `body of ${answer.text.length} characters`)
      assert.equal('members' in JSON.parse(answer.text), false)
    })

    it('answers membership checks on the big group', async () => {
      const filter = encodeURIComponent(`id eq "${bigGroup}" and members[value eq "${members[1234]}"]`)
      const answer = await scim(t, 'GET', `/Groups?excludedAttributes=members&filter=${filter}`)
      assert.equal(JSON.parse(answer.text).totalResults, 1)
    })

    it('removes one member of the big group by the flag form', async () => {
      const gone = members[42]!
      const answer = await scim(t, 'PATCH', `/Groups/${bigGroup}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${gone}"]` }] })
      assert.equal(answer.status, 204)
      const check = await scim(t, 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`members[value eq "${gone}"]`)}`)
      assert.equal(JSON.parse(check.text).totalResults, 0)
      const back = await scim(t, 'PATCH', `/Groups/${bigGroup}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: gone }] }] })
      assert.equal(back.status, 204)
    })

    it('lands every one of 20 concurrent single-member adds, and a concurrent rename', async () => {
      const created = await scim(t, 'POST', '/Groups', { displayName: 'Concurrent' })
      const id = JSON.parse(created.text).id
      const joiners = members.slice(0, 20)
      const adds = joiners.map((value) =>
        scim(t, 'PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value }] }] }),
      )
      const rename = scim(t, 'PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Concurrent renamed' }] })
      const answers = await Promise.all([...adds, rename])
      assert.deepEqual(answers.map((answer) => answer.status), answers.map(() => 204))
      const group = JSON.parse((await scim(t, 'GET', `/Groups/${id}`)).text)
      assert.deepEqual(group.members.map((member: { value: string }) => member.value).sort(), [...joiners].sort())
      assert.equal(group.displayName, 'Concurrent renamed')
      assert.equal(group.meta.version, `W/"${1 + joiners.length + 1}"`)
    })

    it('keeps every update of 10 concurrent PATCHes that each add and remove different members', async () => {
      const created = await scim(t, 'POST', '/Groups', { displayName: 'Churn', members: members.slice(100, 110).map((value) => ({ value })) })
      const id = JSON.parse(created.text).id
      const patches = Array.from({ length: 10 }, (_, i) =>
        scim(t, 'PATCH', `/Groups/${id}`, {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'Remove', path: 'members', value: [{ value: members[100 + i] }] },
            { op: 'Add', path: 'members', value: [{ value: members[200 + i] }] },
          ],
        }),
      )
      assert.ok((await Promise.all(patches)).every((answer) => answer.status === 204))
      const group = JSON.parse((await scim(t, 'GET', `/Groups/${id}`)).text)
      assert.deepEqual(group.members.map((member: { value: string }) => member.value).sort(), members.slice(200, 210).sort())
    })
  })
}
