import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { GroupMember } from '../../src/directory/types.js'
import { ScimError } from '../../src/scim/errors.js'
import { parseFilter } from '../../src/scim/filter/parse-filter.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { buildGroup, createGroup, createOrganization, createUser, groupNamesMatching, nextTimestamp } from './store-fixtures.js'

const isInvalidFilter = (error: unknown): boolean => error instanceof ScimError && error.status === 400 && error.scimType === 'invalidFilter'

async function allMembers(store: Store, orgId: string, groupId: string, pageSize = 1000): Promise<GroupMember[]> {
  const members: GroupMember[] = []
  for (;;) {
    const page = await store.listGroupMembers(orgId, groupId, { afterUserId: members.at(-1)?.userId, limit: pageSize })
    members.push(...page)
    if (page.length < pageSize) return members
  }
}

for (const dialect of DIALECTS) {
  describe(`groups and memberships store (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let orgId: string
    let otherOrgId: string

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      orgId = await createOrganization(store, 'Acme')
      otherOrgId = await createOrganization(store, 'Globex')
    })
    after(() => close())

    it('reads back, updates and deletes a group', async () => {
      const group = buildGroup(orgId, 'Sales', 'ext-sales')
      await store.insertGroup(group)
      assert.deepEqual(await store.findGroup(orgId, group.id), group)
      const renamed = { ...group, displayName: 'Sales EMEA', document: { displayName: 'Sales EMEA' }, version: 2, updatedAt: nextTimestamp() }
      await store.updateGroup(renamed)
      assert.deepEqual(await store.findGroup(orgId, group.id), renamed)
      assert.equal(await store.deleteGroup(orgId, group.id), true)
      assert.equal(await store.deleteGroup(orgId, group.id), false)
      assert.equal(await store.findGroup(orgId, group.id), undefined)
    })

    it('rejects a duplicate displayName in any case with 409 uniqueness, but not across organizations', async () => {
      await createGroup(store, orgId, 'Engineering')
      await assert.rejects(createGroup(store, orgId, 'ENGINEERING'), (error) => {
        assert.ok(error instanceof ScimError && error.status === 409 && error.scimType === 'uniqueness')
        assert.match(error.message, /displayName "ENGINEERING" is already taken/)
        return true
      })
      await createGroup(store, otherOrgId, 'Engineering')
    })

    it("never finds, deletes, lists or adds members to another organization's group", async () => {
      const theirs = await createGroup(store, otherOrgId, 'Theirs')
      const mine = await createUser(store, orgId, { userName: 'tenancy-user' })
      assert.equal(await store.findGroup(orgId, theirs.id), undefined)
      assert.equal(await store.deleteGroup(orgId, theirs.id), false)
      assert.ok(!(await store.listGroups(orgId, { startIndex: 1, count: 1000 })).items.some((group) => group.id === theirs.id))
      await store.addGroupMembers(orgId, theirs.id, [mine.id])
      await store.addGroupMembers(otherOrgId, theirs.id, [mine.id])
      assert.deepEqual(await store.listGroupMembers(otherOrgId, theirs.id, { limit: 10 }), [])
    })

    it('adds members idempotently and shows displayName, else userName, as display', async () => {
      const group = await createGroup(store, orgId, 'Idempotent')
      const named = await createUser(store, orgId, { userName: 'named', displayName: 'Named Person' })
      const plain = await createUser(store, orgId, { userName: 'plain' })
      await store.addGroupMembers(orgId, group.id, [named.id, plain.id, named.id])
      await store.addGroupMembers(orgId, group.id, [plain.id])
      const members = await allMembers(store, orgId, group.id)
      assert.deepEqual(
        members,
        [{ userId: named.id, display: 'Named Person' }, { userId: plain.id, display: 'plain' }].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
      )
    })

    it('removes only the listed members, ignores absent ones, and can remove all', async () => {
      const group = await createGroup(store, orgId, 'Removals')
      const users = await Promise.all(['r1', 'r2', 'r3'].map((userName) => createUser(store, orgId, { userName })))
      const [u1, u2, u3] = users.map((user) => user.id) as [string, string, string]
      await store.addGroupMembers(orgId, group.id, [u1, u2, u3])
      await store.removeGroupMembers(orgId, group.id, [u1, 'usr_absent'])
      assert.deepEqual((await allMembers(store, orgId, group.id)).map((m) => m.userId).sort(), [u2, u3].sort())
      await store.removeAllGroupMembers(orgId, group.id)
      assert.deepEqual(await allMembers(store, orgId, group.id), [])
    })

    it('drops memberships when the user or the group is deleted', async () => {
      const group = await createGroup(store, orgId, 'Cascade')
      const other = await createGroup(store, orgId, 'Cascade 2')
      const leaving = await createUser(store, orgId, { userName: 'leaving' })
      const staying = await createUser(store, orgId, { userName: 'staying' })
      await store.addGroupMembers(orgId, group.id, [leaving.id, staying.id])
      await store.addGroupMembers(orgId, other.id, [staying.id])
      await store.deleteUser(orgId, leaving.id)
      assert.deepEqual((await allMembers(store, orgId, group.id)).map((m) => m.userId), [staying.id])
      await store.deleteGroup(orgId, group.id)
      const groups = await store.groupsOfUsers(orgId, [staying.id])
      assert.deepEqual(groups.get(staying.id), [{ groupId: other.id, displayName: 'Cascade 2' }])
    })

    it('pages members by user id (keyset) without gaps or repeats', async () => {
      const group = await createGroup(store, orgId, 'Keyset')
      const ids: string[] = []
      await store.transaction(async (tx) => {
        for (let i = 0; i < 25; i++) ids.push((await createUser(tx, orgId, { userName: `keyset-${i}` })).id)
      })
      await store.addGroupMembers(orgId, group.id, ids)
      const paged = await allMembers(store, orgId, group.id, 7)
      assert.deepEqual(paged.map((m) => m.userId), [...ids].sort())
      assert.deepEqual(await store.listGroupMembers(orgId, group.id, { limit: 0 }), [])
    })

    it('finds the user ids that are not users of the organization', async () => {
      const mine = await createUser(store, orgId, { userName: 'known-user' })
      const theirs = await createUser(store, otherOrgId, { userName: 'their-user' })
      assert.deepEqual(await store.findUnknownUserIds(orgId, [mine.id, theirs.id, 'usr_nobody', mine.id, 'usr_\u0000']), [theirs.id, 'usr_nobody', 'usr_\u0000'])
      assert.deepEqual(await store.findUnknownUserIds(orgId, []), [])
    })

    it("lists each user's groups, with an empty list for users in none", async () => {
      const a = await createGroup(store, orgId, 'Of users A')
      const b = await createGroup(store, orgId, 'Of users B')
      const both = await createUser(store, orgId, { userName: 'in-both' })
      const none = await createUser(store, orgId, { userName: 'in-none' })
      await store.addGroupMembers(orgId, b.id, [both.id])
      await store.addGroupMembers(orgId, a.id, [both.id])
      const groups = await store.groupsOfUsers(orgId, [both.id, none.id])
      assert.deepEqual(groups.get(both.id), [
        { groupId: a.id, displayName: 'Of users A' },
        { groupId: b.id, displayName: 'Of users B' },
      ])
      assert.deepEqual(groups.get(none.id), [])
    })

    // Entra's lookup and GET by id read a user and its groups in one statement (user-groups-column.ts): the same
    // groups, in the same order, as groupsOfUsers, and nothing of another organization.
    it('reads a user with its groups in one statement, by id and by userName', async () => {
      const first = await createGroup(store, orgId, 'Together 1 — ünïcode "quoted"')
      const second = await createGroup(store, orgId, 'Together 2')
      const member = await createUser(store, orgId, { userName: 'Together.Member@example.com' })
      const loner = await createUser(store, orgId, { userName: 'together.loner@example.com' })
      await store.addGroupMembers(orgId, second.id, [member.id])
      await store.addGroupMembers(orgId, first.id, [member.id])
      const expected = [
        { groupId: first.id, displayName: 'Together 1 — ünïcode "quoted"' },
        { groupId: second.id, displayName: 'Together 2' },
      ]
      assert.deepEqual(await store.findUserWithGroups(orgId, member.id), { user: await store.findUser(orgId, member.id), groups: expected })
      assert.deepEqual(await store.findUserWithGroups(orgId, loner.id), { user: await store.findUser(orgId, loner.id), groups: [] })
      const locked = await store.transaction((tx) => tx.findUserWithGroups(orgId, member.id, { forUpdate: true }))
      assert.deepEqual(locked?.groups, expected, 'a write reads the groups with the row it locks')
      assert.equal(await store.findUserWithGroups(otherOrgId, member.id), undefined, "another organization's user is not found")
      assert.equal(await store.findUserWithGroups(orgId, 'usr_\u0000'), undefined)

      const lookup = (userName: string, withGroups: boolean) =>
        store.listUsers(orgId, { filter: parseFilter(`userName eq "${userName}"`), startIndex: 1, count: 10 }, { withGroups })
      const page = await lookup('TOGETHER.member@example.com', true)
      assert.deepEqual(page.items.map((user) => user.id), [member.id])
      assert.deepEqual(page.groups?.get(member.id), expected)
      assert.deepEqual((await lookup('together.loner@example.com', true)).groups?.get(loner.id), [])
      assert.equal((await lookup('together.member@example.com', false)).groups, undefined, 'without withGroups the caller reads them')
      assert.deepEqual((await lookup('nobody@example.com', true)).items, [])
    })

    describe('group filters', () => {
      let filterOrg: string
      let memberId: string
      const names = (filter: string) => groupNamesMatching(store, filterOrg, filter)

      before(async () => {
        filterOrg = await createOrganization(store, 'Filters')
        const admins = await createGroup(store, filterOrg, 'Admins', 'EXT-A')
        await createGroup(store, filterOrg, 'Schedulers', null)
        await createGroup(store, filterOrg, 'Interviewers_EU', 'ext-i')
        memberId = (await createUser(store, filterOrg, { userName: 'member' })).id
        await store.addGroupMembers(filterOrg, admins.id, [memberId])
      })

      it('matches displayName in any case and externalId case-exactly', async () => {
        assert.deepEqual(await names('displayName eq "ADMINS"'), ['Admins'])
        assert.deepEqual(await names('displayName sw "interviewers_"'), ['Interviewers_EU'])
        assert.deepEqual(await names('displayName co "_"'), ['Interviewers_EU'])
        assert.deepEqual(await names('externalId eq "EXT-A"'), ['Admins'])
        assert.deepEqual(await names('externalId eq "ext-a"'), [])
        assert.deepEqual(await names('externalId ne "EXT-A"'), ['Schedulers', 'Interviewers_EU'])
        assert.deepEqual(await names('displayName eq "Nobody"'), [])
      })

      it('matches members by user id in every supported form', async () => {
        assert.deepEqual(await names(`members eq "${memberId}"`), ['Admins'])
        assert.deepEqual(await names(`members.value eq "${memberId}"`), ['Admins'])
        assert.deepEqual(await names(`members[value eq "${memberId}"]`), ['Admins'])
        assert.deepEqual(await names(`not (members[value eq "${memberId}"])`), ['Schedulers', 'Interviewers_EU'])
        assert.deepEqual(await names(`displayName sw "adm" and members eq "${memberId}"`), ['Admins'])
      })

      it('rejects other members filters with 400 invalidFilter', async () => {
        await assert.rejects(names('members co "usr"'), isInvalidFilter)
        await assert.rejects(names('members.display eq "member"'), isInvalidFilter)
        await assert.rejects(names('members pr'), isInvalidFilter)
        await assert.rejects(names(`members eq "${memberId}" or urn:x:custom eq "y"`), isInvalidFilter)
      })

      it('evaluates attributes without a column in memory', async () => {
        assert.deepEqual(await names('schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group" and displayName ew "s"'), ['Admins', 'Schedulers'])
      })
    })
  })
}
