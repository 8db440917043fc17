import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CLI_ACTOR } from '../../src/directory/member-changes.js'
import { Members, type MemberListQuery } from '../../src/directory/members.js'
import { RoleManagementSettings } from '../../src/directory/roles/role-management-settings.js'
import { UserDirectory } from '../../src/directory/users.js'
import { DomainError } from '../../src/lib/domain-error.js'
import { systemClock } from '../../src/lib/clock.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'

const isInvalid = (error: unknown) => error instanceof DomainError && error.code === 'invalid'

/** Issue 6 item 1: the member list the API will serve, with filters and keyset paging, on both engines. */
for (const dialect of DIALECTS) {
  describe(`member list: filters and cursor paging (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let orgId: string
    let members: Members
    let users: UserDirectory
    const ids: Record<string, string> = {}

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      orgId = await createOrganization(store, 'Acme')
      const otherOrg = await createOrganization(store, 'Globex')
      members = new Members(store, { clock: systemClock })
      users = new UserDirectory(store, { clock: systemClock, maxPatchOperations: 100 })
      const scim = (userName: string, extra: Record<string, unknown> = {}) =>
        users.create(orgId, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, ...extra })
      ids.ada = (await scim('ada@example.com', { name: { givenName: 'Ada', familyName: 'Lovelace' }, modernloopRole: 'ADMIN' })).id
      ids.grace = (await scim('grace@example.com', { displayName: 'Grace Hopper', emails: [{ value: 'G.Hopper@Navy.example', type: 'work' }] })).id
      ids.rene = (await scim('rene@example.com', { displayName: 'Rene\u0301 Descartes', active: false })).id
      ids.manual = (await members.addMember(orgId, { userName: 'temp_50%@example.com', displayName: 'Contractor', role: 'SCHEDULER' }, CLI_ACTOR)).id
      ids.last = (await scim('zed@example.com')).id
      await users.create(otherOrg, { userName: 'ada.other@example.com' })
    })
    after(() => close())

    const idsOf = async (query: Omit<MemberListQuery, 'limit'>) => (await members.listMembers(orgId, { limit: 100, ...query })).items.map((m) => m.id)

    it('lists every member of the organization in creation order, and only them', async () => {
      assert.deepEqual(await idsOf({}), [ids.ada, ids.grace, ids.rene, ids.manual, ids.last])
    })

    it('filters by status, role and source, combined with AND', async () => {
      assert.deepEqual(await idsOf({ status: 'deactivated' }), [ids.rene])
      assert.deepEqual(await idsOf({ status: 'active', role: 'INTERVIEWER' }), [ids.grace, ids.last])
      assert.deepEqual(await idsOf({ role: 'admin' as never }), [ids.ada], 'roles are read like the CLI reads them')
      assert.deepEqual(await idsOf({ source: 'manual' }), [ids.manual])
      assert.deepEqual(await idsOf({ source: 'scim', role: 'SCHEDULER' }), [])
    })

    it('searches userName, display name, name parts and emails, case-insensitively and Unicode-normalized', async () => {
      assert.deepEqual(await idsOf({ query: 'LOVELACE' }), [ids.ada])
      assert.deepEqual(await idsOf({ query: 'hopper' }), [ids.grace, ])
      assert.deepEqual(await idsOf({ query: 'navy.EXAMPLE' }), [ids.grace], 'an email that is not the userName')
      assert.deepEqual(await idsOf({ query: 'ren\u00e9' }), [ids.rene], 'precomposed é finds a combining accent')
      assert.deepEqual(await idsOf({ query: '50%' }), [ids.manual], '% is a literal')
      assert.deepEqual(await idsOf({ query: '_5' }), [ids.manual], '_ is a literal')
      assert.deepEqual(await idsOf({ query: 'a_a' }), [])
      assert.deepEqual(await idsOf({ query: 'example.com', status: 'deactivated' }), [ids.rene])
      assert.deepEqual(await idsOf({ query: '  ' }), await idsOf({}), 'a blank query is no filter')
      assert.deepEqual(await idsOf({ query: 'ada.other' }), [], "another organization's member is never found")
    })

    it('keeps the search current when SCIM renames a member', async () => {
      await users.patch(orgId, ids.last!, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Zed Shaw' }] })
      assert.deepEqual(await idsOf({ query: 'shaw' }), [ids.last])
    })

    it('pages with an opaque cursor until next is null; a cursor survives the deletion of the member it ended on', async () => {
      const seen: string[] = []
      let after: string | undefined
      for (let pages = 0; pages < 10; pages++) {
        const page = await members.listMembers(orgId, { limit: 2, ...(after === undefined ? {} : { after }) })
        seen.push(...page.items.map((m) => m.id))
        if (page.next === null) break
        assert.ok(!page.next.includes(page.items.at(-1)!.id), 'the cursor is not a member id')
        after = page.next
      }
      assert.deepEqual(seen, [ids.ada, ids.grace, ids.rene, ids.manual, ids.last])
      const exact = await members.listMembers(orgId, { limit: 5 })
      assert.equal(exact.next, null, 'a page that ends the list says so, even when it is full')

      const first = await members.listMembers(orgId, { limit: 2 })
      await users.delete(orgId, ids.grace!)
      const second = await members.listMembers(orgId, { limit: 2, after: first.next! })
      assert.deepEqual(second.items.map((m) => m.id), [ids.rene, ids.manual])
      const filtered = await members.listMembers(orgId, { limit: 1, status: 'active' })
      assert.deepEqual((await members.listMembers(orgId, { limit: 10, status: 'active', after: filtered.next! })).items.map((m) => m.id), [ids.manual, ids.last])
    })

    it('refuses a forged cursor, a bad limit and unknown filter values as invalid', async () => {
      for (const after of ['nope', Buffer.from('m1:-1').toString('base64url'), Buffer.from('x:5').toString('base64url'), 'a'.repeat(200), '']) {
        await assert.rejects(members.listMembers(orgId, { limit: 10, after }), isInvalid, `cursor ${after}`)
      }
      for (const limit of [0, -1, 1.5, 1001, Number.NaN]) await assert.rejects(members.listMembers(orgId, { limit }), isInvalid, `limit ${limit}`)
      await assert.rejects(members.listMembers(orgId, { limit: 10, status: 'gone' as never }), isInvalid)
      await assert.rejects(members.listMembers(orgId, { limit: 10, source: 'ldap' as never }), isInvalid)
      await assert.rejects(members.listMembers(orgId, { limit: 10, role: 'OWNER' as never }), isInvalid)
    })

    it('an unknown organization has no members', async () => {
      assert.deepEqual(await members.listMembers('org_unknown', { limit: 10 }), { items: [], next: null })
    })

    it('reads a member with every field of the model', async () => {
      const member = await members.getMember(orgId, ids.ada!)
      assert.deepEqual(Object.keys(member).sort(), [
        'createdAt', 'directoryRole', 'displayName', 'email', 'id', 'lastProvisionedAt', 'orgId', 'role', 'source', 'status', 'updatedAt', 'userName', 'version',
      ])
      assert.deepEqual(
        { role: member.role, directoryRole: member.directoryRole, status: member.status, source: member.source },
        { role: 'ADMIN', directoryRole: 'ADMIN', status: 'active', source: 'scim' },
      )
      assert.equal(member.lastProvisionedAt, member.createdAt)
    })

    it('the preview of a switch counts exactly the members whose role would change', async () => {
      const settings = new RoleManagementSettings(store, { clock: systemClock })
      await settings.set(orgId, 'platform', CLI_ACTOR)
      await members.changeMemberRole(orgId, ids.ada!, 'INTERVIEWER', CLI_ACTOR)
      await members.changeMemberRole(orgId, ids.manual!, 'ADMIN', CLI_ACTOR)
      assert.equal((await settings.preview(orgId, 'scim')).membersChanged, 1, 'the manual member has no directory role')
      await settings.set(orgId, 'scim', CLI_ACTOR)
      assert.equal((await members.getMember(orgId, ids.ada!)).role, 'ADMIN')
      assert.equal((await members.getMember(orgId, ids.manual!)).role, 'ADMIN')
    })
  })
}
