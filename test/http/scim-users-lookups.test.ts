import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { entraCreateBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

// The userName lookup and the user update have fast paths in the store; these pin their results to the general ones.
for (const dialect of DIALECTS) {
  describe(`${dialect}: userName lookups and narrow updates`, () => {
    let roster: TestApp
    let entra: ScimClient
    before(async () => {
      roster = await createTestApp(dialect)
      entra = new ScimClient(roster.app, roster.token)
    })
    after(() => roster.close())

    test('a userName eq lookup pages like any list: startIndex past the match, count=0 and count=1', async () => {
      const userName = uniqueUserName('paging')
      const created = await entra.createUser(entraCreateBody(userName))
      const filter = `filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`
      const cases: [string, number, string[]][] = [
        ['', 1, [created.id]],
        ['&count=0', 1, []],
        ['&count=1', 1, [created.id]],
        ['&startIndex=2', 1, []],
        ['&startIndex=0&count=5', 1, [created.id]],
      ]
      for (const [paging, total, ids] of cases) {
        const list = await entra.list(`${filter}${paging}`)
        assert.equal(list.totalResults, total, paging)
        assert.deepEqual(list.Resources.map((user) => user.id), ids, paging)
        assert.equal(list.itemsPerPage, ids.length, paging)
      }
    })

    test('a PATCH of displayName alone keeps the user findable by userName, externalId and email', async () => {
      const userName = uniqueUserName('narrow')
      const created = await entra.createUser(entraCreateBody(userName, { externalId: `ext-${userName}` }))
      await entra.patchUserOk(created.id, { op: 'Replace', path: 'displayName', value: 'Only This Changed' })
      const email = created.emails?.[0]?.value
      assert.ok(email)
      for (const filter of [`userName eq "${userName}"`, `externalId eq "ext-${userName}"`, `emails[type eq "work"].value eq "${email}"`]) {
        const list = await entra.list(`filter=${encodeURIComponent(filter)}`)
        assert.deepEqual(list.Resources.map((user) => [user.id, user.displayName]), [[created.id, 'Only This Changed']], filter)
      }
    })

    test('renaming userName moves the lookup to the new name and frees the old one', async () => {
      const before = uniqueUserName('rename')
      const after = uniqueUserName('renamed')
      const created = await entra.createUser(entraCreateBody(before))
      await entra.patchUserOk(created.id, { op: 'Replace', path: 'userName', value: after })
      assert.equal((await entra.list(`filter=${encodeURIComponent(`userName eq "${before}"`)}`)).totalResults, 0)
      assert.deepEqual((await entra.list(`filter=${encodeURIComponent(`userName eq "${after}"`)}`)).Resources.map((u) => u.id), [created.id])
      const reused = await entra.createUser(entraCreateBody(before))
      assert.notEqual(reused.id, created.id)
    })
  })
}
