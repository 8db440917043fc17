import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

interface Answer {
  status: number
  body: any
}

async function scim(t: TestApp, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, token = t.token): Promise<Answer> {
  const headers = body === undefined ? { authorization: `Bearer ${token}` } : scimHeaders(token)
  const response = await t.app.inject({ method, url: `/org/scim/v2${url}`, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) })
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined }
}

/** A PatchOp body, as Entra sends it. */
const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations })

for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM PATCH /Groups`, () => {
    let t: TestApp
    const users: string[] = []
    let counter = 0

    before(async () => {
      t = await createTestApp(dialect)
      for (let i = 0; i < 6; i++) {
        const answer = await scim(t, 'POST', '/Users', { userName: `member${i}@example.com` })
        assert.equal(answer.status, 201)
        users.push(answer.body.id)
      }
    })
    after(() => t.close())

    const user = (i: number): string => users[i]!

    async function group(members: string[] = []): Promise<string> {
      const answer = await scim(t, 'POST', '/Groups', { displayName: `Group ${++counter}`, externalId: `ext-${counter}`, members: members.map((value) => ({ value })) })
      assert.equal(answer.status, 201, JSON.stringify(answer.body))
      return answer.body.id
    }
    async function read(id: string): Promise<any> {
      const answer = await scim(t, 'GET', `/Groups/${id}`)
      assert.equal(answer.status, 200)
      return answer.body
    }
    const membersOf = async (id: string): Promise<string[]> => ((await read(id)).members ?? []).map((m: any) => m.value).sort()
    const sorted = (...ids: string[]): string[] => [...ids].sort()
    async function patch(id: string, body: unknown, expected = 204): Promise<Answer> {
      const answer = await scim(t, 'PATCH', `/Groups/${id}`, body)
      assert.equal(answer.status, expected, JSON.stringify(answer.body))
      return answer
    }

    it('adds members with the Entra literal ($ref: null) and answers 204 with no body', async () => {
      const id = await group()
      const answer = await patch(id, patchOf({ op: 'Add', path: 'members', value: [{ $ref: null, value: user(0) }, { $ref: null, value: user(1) }] }))
      assert.equal(answer.body, undefined)
      assert.deepEqual(await membersOf(id), sorted(user(0), user(1)))
    })

    it('removes only the listed members with the legacy Remove + value array', async () => {
      const id = await group([user(0), user(1), user(2)])
      await patch(id, patchOf({ op: 'Remove', path: 'members', value: [{ value: user(0) }] }))
      assert.deepEqual(await membersOf(id), sorted(user(1), user(2)))
    })

    it('removes a member selected by members[value eq "..."] with no value (aadOptscim062020 form)', async () => {
      const id = await group([user(0), user(1)])
      await patch(id, patchOf({ op: 'remove', path: `members[value eq "${user(1)}"]` }))
      assert.deepEqual(await membersOf(id), [user(0)])
    })

    it('removes every member selected by or-joined value filters', async () => {
      const id = await group([user(0), user(1), user(2)])
      await patch(id, patchOf({ op: 'remove', path: `members[value eq "${user(0)}" or value eq "${user(2)}"]` }))
      assert.deepEqual(await membersOf(id), [user(1)])
    })

    it('removes all members with remove of members and no value', async () => {
      const id = await group([user(0), user(1)])
      await patch(id, patchOf({ op: 'remove', path: 'members' }))
      assert.deepEqual(await membersOf(id), [])
      assert.equal((await read(id)).displayName !== undefined, true)
    })

    it('replaces the membership with replace of members', async () => {
      const id = await group([user(0), user(1)])
      await patch(id, patchOf({ op: 'replace', path: 'members', value: [{ value: user(2) }, { value: user(3) }] }))
      assert.deepEqual(await membersOf(id), sorted(user(2), user(3)))
    })

    it('renames by path and changes displayName / externalId path-less, keeping members', async () => {
      const id = await group([user(0)])
      await patch(id, patchOf({ op: 'Replace', path: 'displayName', value: 'Renamed by path' }))
      assert.equal((await read(id)).displayName, 'Renamed by path')
      await patch(id, patchOf({ op: 'replace', value: { displayName: 'Renamed path-less' } }))
      await patch(id, patchOf({ op: 'replace', value: { externalId: 'ext-new' } }))
      const after = await read(id)
      assert.equal(after.displayName, 'Renamed path-less')
      assert.equal(after.externalId, 'ext-new')
      assert.deepEqual(after.members.map((m: any) => m.value), [user(0)])
      const found = await scim(t, 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "renamed PATH-LESS"')}`)
      assert.equal(found.body.totalResults, 1)
    })

    it('applies many operations with many members each, in order; re-adding and removing absent members is fine', async () => {
      const id = await group([user(0)])
      await patch(id, patchOf(
        { op: 'Add', path: 'members', value: [{ value: user(0) }, { value: user(1) }, { value: user(2) }, { value: user(3) }] },
        { op: 'Remove', path: 'members', value: [{ value: user(1) }, { value: user(5) }] },
        { op: 'Replace', path: 'displayName', value: `Batch ${counter}` },
        { op: 'add', value: { members: [{ value: user(4) }], externalId: 'ext-batch' } },
        { op: 'remove', path: `members[value eq "${user(5)}"]` },
        { op: 'Add', path: 'members', value: [{ value: user(1) }] },
        { op: 'Remove', path: 'members', value: [{ value: user(1) }] },
      ))
      const after = await read(id)
      assert.deepEqual(after.members.map((m: any) => m.value).sort(), sorted(user(0), user(2), user(3), user(4)))
      assert.equal(after.externalId, 'ext-batch')
      assert.equal(after.meta.version, 'W/"2"')
    })

    it('refuses unknown member ids with 400 invalidValue listing them, and changes nothing', async () => {
      const id = await group([user(0)])
      const before = await read(id)
      const answer = await patch(id, patchOf(
        { op: 'Replace', path: 'displayName', value: 'Should not stick' },
        { op: 'Remove', path: 'members', value: [{ value: user(0) }] },
        { op: 'Add', path: 'members', value: [{ value: user(1) }, { value: 'usr_ghost1' }, { value: 'usr_ghost2' }] },
      ), 400)
      assert.equal(answer.body.scimType, 'invalidValue')
      assert.match(answer.body.detail, /usr_ghost1/)
      assert.match(answer.body.detail, /usr_ghost2/)
      const after = await read(id)
      assert.equal(after.displayName, before.displayName)
      assert.deepEqual(after.members.map((m: any) => m.value), [user(0)])
      assert.equal(after.meta.version, before.meta.version)
    })

    it("refuses a user of another organization as a member", async () => {
      const other = await t.createOrg('Elsewhere')
      const foreign = await scim(t, 'POST', '/Users', { userName: 'foreign@elsewhere.example' }, other.token)
      const id = await group()
      const answer = await patch(id, patchOf({ op: 'Add', path: 'members', value: [{ value: foreign.body.id }] }), 400)
      assert.ok(answer.body.detail.includes(foreign.body.id))
      assert.deepEqual(await membersOf(id), [])
    })

    it('answers 200 with the resource when the PATCH asks for attributes', async () => {
      const id = await group()
      const answer = await scim(t, 'PATCH', `/Groups/${id}?excludedAttributes=members`, patchOf({ op: 'Add', path: 'members', value: [{ value: user(0) }] }))
      assert.equal(answer.status, 200)
      assert.equal(answer.body.id, id)
      assert.equal('members' in answer.body, false)
      const withMembers = await scim(t, 'PATCH', `/Groups/${id}?attributes=members`, patchOf({ op: 'Add', path: 'members', value: [{ value: user(1) }] }))
      assert.deepEqual(withMembers.body.members.map((m: any) => m.value).sort(), sorted(user(0), user(1)))
    })

    it('leaves the version alone when a PATCH changes nothing', async () => {
      const id = await group()
      await patch(id, patchOf({ op: 'replace', path: 'displayName', value: (await read(id)).displayName }))
      assert.equal((await read(id)).meta.version, 'W/"1"')
    })

    it('returns 404 for a PATCH of an unknown group', async () => {
      const answer = await scim(t, 'PATCH', '/Groups/grp_nothere', patchOf({ op: 'Add', path: 'members', value: [{ value: user(0) }] }))
      assert.equal(answer.status, 404)
    })

    it('refuses malformed member operations with a SCIM error that says what to send', async () => {
      const id = await group([user(0)])
      const cases: [unknown, number, string][] = [
        [patchOf({ op: 'add', path: `members[value eq "${user(1)}"]`, value: [{ value: user(1) }] }), 400, 'invalidPath'],
        [patchOf({ op: 'remove', path: 'members[display eq "x"]' }), 400, 'invalidPath'],
        [patchOf({ op: 'replace', path: 'members.display', value: 'x' }), 400, 'invalidPath'],
        [patchOf({ op: 'add', path: 'members', value: [{ display: 'no id' }] }), 400, 'invalidValue'],
        [patchOf({ op: 'add', path: 'members', value: [{ value: { nested: true } }] }), 400, 'invalidValue'],
        [patchOf({ op: 'add', path: 'members' }), 400, 'invalidValue'],
        [patchOf({ op: 'add', path: 'members', value: [{ value: user(1), type: 'Group' }] }), 400, 'invalidValue'],
        [patchOf({ op: 'remove', path: 'displayName' }), 400, 'invalidValue'],
        [patchOf({ op: 'replace', path: 'displayName', value: '  ' }), 400, 'invalidValue'],
        [patchOf(), 400, 'invalidSyntax'],
        [[1, 2, 3], 400, 'invalidSyntax'],
        [patchOf({ op: 'move', path: 'members' }), 400, 'invalidSyntax'],
      ]
      for (const [body, status, scimType] of cases) {
        const answer = await scim(t, 'PATCH', `/Groups/${id}`, body)
        assert.equal(answer.status, status, JSON.stringify(body))
        assert.equal(answer.body.scimType, scimType, `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`)
        assert.ok(answer.body.detail.length > 10)
      }
      assert.deepEqual(await membersOf(id), [user(0)])
    })

    it('returns 409 uniqueness when a rename takes another group\'s name', async () => {
      const first = await group()
      const second = await group()
      const taken = (await read(first)).displayName
      const answer = await patch(second, patchOf({ op: 'replace', path: 'displayName', value: taken.toUpperCase() }), 409)
      assert.equal(answer.body.scimType, 'uniqueness')
    })
  })
}
