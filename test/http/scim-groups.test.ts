import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'

interface Answer {
  status: number
  body: any
  headers: Record<string, unknown>
}

/** One SCIM request as Entra makes it, against the in-process app. */
async function scim(t: TestApp, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = t.token): Promise<Answer> {
  const headers = body === undefined ? { authorization: `Bearer ${token}` } : scimHeaders(token)
  const response = await t.app.inject({ method, url: `/org/scim/v2${url}`, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers }
}

async function createUser(t: TestApp, userName: string, token = t.token): Promise<string> {
  const answer = await scim(t, 'POST', '/Users', { userName, displayName: `${userName} display` }, token)
  assert.equal(answer.status, 201, JSON.stringify(answer.body))
  return answer.body.id
}

async function createGroup(t: TestApp, displayName: string, members: string[] = []): Promise<string> {
  const answer = await scim(t, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) })
  assert.equal(answer.status, 201, JSON.stringify(answer.body))
  return answer.body.id
}

const q = (filter: string): string => encodeURIComponent(filter)
const memberIds = (group: any): string[] => (group.members ?? []).map((member: any) => member.value).sort()

for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM /Groups`, () => {
    let t: TestApp
    let alice: string
    let bob: string

    before(async () => {
      t = await createTestApp(dialect)
      alice = await createUser(t, 'alice@example.com')
      bob = await createUser(t, 'bob@example.com')
    })
    after(() => t.close())

    it('creates a group from the Entra literal, with the Microsoft schema URI, answering 201 with members: []', async () => {
      const answer = await scim(t, 'POST', '/Groups', {
        schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Entra literal',
        meta: { resourceType: 'Group' },
      })
      assert.equal(answer.status, 201)
      assert.match(answer.body.id, /^grp_/)
      assert.deepEqual(answer.body.members, [])
      assert.equal(answer.body.displayName, 'Entra literal')
      assert.equal(answer.body.externalId, '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159')
      assert.equal(answer.body.meta.resourceType, 'Group')
      assert.equal(answer.headers['location'], `https://roster.test/org/scim/v2/Groups/${answer.body.id}`)
      assert.match(String(answer.headers['content-type']), /application\/scim\+json/)
    })

    it('creates a group with members and shows each as {value, display, $ref, type}', async () => {
      const answer = await scim(t, 'POST', '/Groups', { displayName: 'With members', members: [{ value: alice, $ref: null }, { value: bob }] })
      assert.equal(answer.status, 201, JSON.stringify(answer.body))
      assert.deepEqual(memberIds(answer.body), [alice, bob].sort())
      const shown = answer.body.members.find((member: any) => member.value === alice)
      assert.deepEqual(shown, { value: alice, display: 'alice@example.com display', $ref: `https://roster.test/org/scim/v2/Users/${alice}`, type: 'User' })
    })

    it('returns 409 uniqueness when displayName is taken in the org, whatever the case', async () => {
      await createGroup(t, 'Engineering')
      const answer = await scim(t, 'POST', '/Groups', { displayName: 'ENGINEERING' })
      assert.equal(answer.status, 409)
      assert.equal(answer.body.scimType, 'uniqueness')
      assert.equal(answer.body.status, '409')
    })

    it('returns 400 invalidValue when displayName is missing', async () => {
      const answer = await scim(t, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], externalId: 'x' })
      assert.equal(answer.status, 400)
      assert.equal(answer.body.scimType, 'invalidValue')
    })

    it('refuses a POST whose members are not users of the org, listing them and creating nothing', async () => {
      const other = await t.createOrg('Other org')
      const foreign = await createUser(t, 'mallory@other.example', other.token)
      const answer = await scim(t, 'POST', '/Groups', { displayName: 'Refused', members: [{ value: alice }, { value: 'usr_nope' }, { value: foreign }] })
      assert.equal(answer.status, 400)
      assert.equal(answer.body.scimType, 'invalidValue')
      assert.match(answer.body.detail, /usr_nope/)
      assert.ok(answer.body.detail.includes(foreign), answer.body.detail)
      assert.ok(!answer.body.detail.includes(alice))
      const lookup = await scim(t, 'GET', `/Groups?filter=${q('displayName eq "Refused"')}`)
      assert.equal(lookup.body.totalResults, 0)
    })

    it('answers the group probe with 200 and an empty ListResponse', async () => {
      const answer = await scim(t, 'GET', `/Groups?excludedAttributes=members&filter=displayName+eq+%22${crypto.randomUUID()}%22`)
      assert.equal(answer.status, 200)
      assert.deepEqual(answer.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 })
    })

    it('gets a group by id with members, and without them under excludedAttributes=members', async () => {
      const id = await createGroup(t, 'Readers', [alice])
      const full = await scim(t, 'GET', `/Groups/${id}`)
      assert.equal(full.status, 200)
      assert.deepEqual(memberIds(full.body), [alice])
      assert.equal(full.headers['etag'], 'W/"1"')
      const lean = await scim(t, 'GET', `/Groups/${id}?excludedAttributes=members`)
      assert.equal(lean.status, 200)
      assert.equal('members' in lean.body, false)
      assert.equal(lean.body.displayName, 'Readers')
    })

    it('respects attributes=displayName and attributes=members.value', async () => {
      const id = await createGroup(t, 'Projected', [alice])
      const names = await scim(t, 'GET', `/Groups/${id}?attributes=displayName`)
      assert.deepEqual(Object.keys(names.body).sort(), ['displayName', 'id', 'schemas'])
      const values = await scim(t, 'GET', `/Groups/${id}?attributes=members.value`)
      assert.deepEqual(values.body.members, [{ value: alice }])
      assert.equal('displayName' in values.body, false)
    })

    it('returns 404 for an unknown group and for a group of another organization', async () => {
      assert.equal((await scim(t, 'GET', '/Groups/grp_unknown')).status, 404)
      const id = await createGroup(t, 'Private')
      const other = await t.createOrg('Snoop')
      const answer = await scim(t, 'GET', `/Groups/${id}`, undefined, other.token)
      assert.equal(answer.status, 404)
      assert.equal(answer.body.status, '404')
    })

    it('finds groups by displayName (any case), externalId, id and membership', async () => {
      const created = await scim(t, 'POST', '/Groups', { displayName: 'Query Target', externalId: 'ext-query', members: [{ value: bob }] })
      const id = created.body.id
      const cases: [string, number][] = [
        ['displayName eq "query target"', 1],
        ['externalId eq "ext-query"', 1],
        ['externalId eq "EXT-QUERY"', 0],
        [`id eq "${id}"`, 1],
        [`id eq "${id}" and members[value eq "${bob}"]`, 1],
        [`id eq "${id}" and members[value eq "${alice}"]`, 0],
      ]
      for (const [filter, expected] of cases) {
        const answer = await scim(t, 'GET', `/Groups?excludedAttributes=members&filter=${q(filter)}`)
        assert.equal(answer.status, 200, filter)
        assert.equal(answer.body.totalResults, expected, filter)
        if (expected) {
          assert.equal(answer.body.Resources[0].id, id, filter)
          assert.equal('members' in answer.body.Resources[0], false, filter)
        }
      }
      const byMember = await scim(t, 'GET', `/Groups?attributes=displayName&filter=${q(`members[value eq "${bob}"]`)}`)
      assert.ok(byMember.body.Resources.some((group: any) => group.id === id))
      assert.ok(byMember.body.Resources.every((group: any) => !('members' in group)))
    })

    it('lists groups with their members when not excluded', async () => {
      const id = await createGroup(t, 'Listed', [alice, bob])
      const answer = await scim(t, 'GET', `/Groups?filter=${q(`id eq "${id}"`)}`)
      assert.equal(answer.body.itemsPerPage, 1)
      assert.deepEqual(memberIds(answer.body.Resources[0]), [alice, bob].sort())
    })

    it('replaces displayName, externalId and the whole membership with PUT', async () => {
      const id = await createGroup(t, 'Before PUT', [alice])
      const answer = await scim(t, 'PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: 'After PUT', externalId: 'ext-put', members: [{ value: bob }] })
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(answer.body.displayName, 'After PUT')
      assert.equal(answer.body.externalId, 'ext-put')
      assert.deepEqual(memberIds(answer.body), [bob])
      assert.equal(answer.body.meta.version, 'W/"2"')
      const refused = await scim(t, 'PUT', `/Groups/${id}`, { displayName: 'After PUT', members: [{ value: 'usr_ghost' }] })
      assert.equal(refused.status, 400)
      assert.deepEqual(memberIds((await scim(t, 'GET', `/Groups/${id}`)).body), [bob])
    })

    it('deletes a group (204, then 404) without deleting its users', async () => {
      const id = await createGroup(t, 'Doomed', [alice])
      assert.equal((await scim(t, 'DELETE', `/Groups/${id}`)).status, 204)
      assert.equal((await scim(t, 'GET', `/Groups/${id}`)).status, 404)
      assert.equal((await scim(t, 'DELETE', `/Groups/${id}`)).status, 404)
      const user = await scim(t, 'GET', `/Users/${alice}`)
      assert.equal(user.status, 200)
      assert.ok(!(user.body.groups ?? []).some((group: any) => group.value === id))
    })

    it("shows a user's groups in its read-only groups attribute", async () => {
      const carol = await createUser(t, 'carol@example.com')
      const id = await createGroup(t, 'Carol fans', [carol])
      const user = await scim(t, 'GET', `/Users/${carol}`)
      assert.deepEqual(user.body.groups.map((group: any) => [group.value, group.display]), [[id, 'Carol fans']])
      // Every path reads the same groups, whether with the user in one statement (lookup, GET, the write's locked read)
      // or after it (other lists): the lookup by userName, a list, a PATCH and a PUT response.
      const second = await createGroup(t, 'Carol fans II', [carol])
      const expected = [[id, 'Carol fans'], [second, 'Carol fans II']]
      const shown = (body: any) => body.groups.map((group: any) => [group.value, group.display])
      const lookup = await scim(t, 'GET', `/Users?filter=${q('userName eq "CAROL@example.com"')}`)
      assert.deepEqual(shown(lookup.body.Resources[0]), expected)
      const listed = await scim(t, 'GET', `/Users?filter=${q('userName sw "carol@"')}`)
      assert.deepEqual(shown(listed.body.Resources[0]), expected)
      assert.deepEqual(shown((await scim(t, 'GET', `/Users/${carol}`)).body), expected)
      const patched = await scim(t, 'PATCH', `/Users/${carol}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Carol C.' }] })
      assert.equal(patched.status, 200)
      assert.deepEqual(shown(patched.body), expected)
      const unchanged = await scim(t, 'PATCH', `/Users/${carol}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Carol C.' }] })
      assert.deepEqual(shown(unchanged.body), expected, 'a PATCH that changes nothing shows the groups too')
      const replaced = await scim(t, 'PUT', `/Users/${carol}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'carol@example.com', displayName: 'Carol' })
      assert.equal(replaced.status, 200)
      assert.deepEqual(shown(replaced.body), expected)
      const excluded = await scim(t, 'PATCH', `/Users/${carol}?excludedAttributes=groups`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Carol D.' }] })
      assert.equal(excluded.status, 200)
      assert.equal(excluded.body.groups, undefined)
      assert.equal((await scim(t, 'GET', `/Users/${carol}?attributes=userName`)).body.groups, undefined)
    })

    it('removes the memberships of a deleted user, and the group stays', async () => {
      const dave = await createUser(t, 'dave@example.com')
      const id = await createGroup(t, 'Dave and Alice', [dave, alice])
      assert.equal((await scim(t, 'DELETE', `/Users/${dave}`)).status, 204)
      const group = await scim(t, 'GET', `/Groups/${id}`)
      assert.equal(group.status, 200)
      assert.deepEqual(memberIds(group.body), [alice])
      const check = await scim(t, 'GET', `/Groups?filter=${q(`members[value eq "${dave}"]`)}`)
      assert.equal(check.body.totalResults, 0)
    })
  })
}
