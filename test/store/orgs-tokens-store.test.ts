import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newId } from '../../src/lib/ids.js'
import type { ScimTokenRecord } from '../../src/orgs/types.js'
import { ScimError } from '../../src/scim/errors.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization, nextTimestamp } from './store-fixtures.js'

const tokenFor = (orgId: string): ScimTokenRecord => ({
  id: newId('tok'),
  orgId,
  secretHash: 'a'.repeat(64),
  createdAt: nextTimestamp(),
  lastUsedAt: null,
  revokedAt: null,
})

for (const dialect of DIALECTS) {
  describe(`organizations and SCIM tokens store (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
    })
    after(() => close())

    it('inserts, finds and lists organizations in creation order', async () => {
      const first = { id: newId('org'), name: 'First', roleManagement: 'platform' as const, createdAt: nextTimestamp() }
      const second = { id: newId('org'), name: 'Second', roleManagement: 'scim' as const, createdAt: nextTimestamp() }
      await store.insertOrganization(first)
      await store.insertOrganization(second)
      assert.deepEqual(await store.findOrganization(first.id), first)
      assert.equal(await store.findOrganization('org_missing'), undefined)
      assert.equal(await store.findOrganization('org_\u0000'), undefined)
      const listed = await store.listOrganizations()
      assert.deepEqual(listed.slice(-2), [first, second])
    })

    it('rejects a second organization with the same id with 409 uniqueness', async () => {
      const org = { id: newId('org'), name: 'Twice', roleManagement: 'scim' as const, createdAt: nextTimestamp() }
      await store.insertOrganization(org)
      await assert.rejects(store.insertOrganization(org), (error) => error instanceof ScimError && error.status === 409)
    })

    it('stores a token and finds it by id alone, whichever organization owns it', async () => {
      const orgId = await createOrganization(store)
      const token = tokenFor(orgId)
      await store.insertScimToken(token)
      assert.deepEqual(await store.findScimToken(token.id), token)
      assert.equal(await store.findScimToken('tok_unknown'), undefined)
      assert.equal(await store.findScimToken('tok_\u0000'), undefined)
    })

    it("lists only the organization's own tokens, oldest first", async () => {
      const orgId = await createOrganization(store)
      const otherOrgId = await createOrganization(store)
      const older = tokenFor(orgId)
      const newer = tokenFor(orgId)
      await store.insertScimToken(older)
      await store.insertScimToken(newer)
      await store.insertScimToken(tokenFor(otherOrgId))
      assert.deepEqual(await store.listScimTokens(orgId), [older, newer])
    })

    it('revokes a token once, and only for its own organization', async () => {
      const orgId = await createOrganization(store)
      const otherOrgId = await createOrganization(store)
      const token = tokenFor(orgId)
      await store.insertScimToken(token)
      const at = nextTimestamp()
      assert.equal(await store.revokeScimToken(otherOrgId, token.id, at), false)
      assert.equal(await store.revokeScimToken(orgId, token.id, at), true)
      assert.equal(await store.revokeScimToken(orgId, token.id, nextTimestamp()), false)
      assert.equal((await store.findScimToken(token.id))?.revokedAt, at)
    })

    it('records the last use of a token', async () => {
      const orgId = await createOrganization(store)
      const token = tokenFor(orgId)
      await store.insertScimToken(token)
      const at = nextTimestamp()
      await store.touchScimToken(token.id, at)
      assert.equal((await store.findScimToken(token.id))?.lastUsedAt, at)
      await store.touchScimToken('tok_unknown', at)
    })
  })
}
