import { parseFilter } from '../../src/scim/filter/parse-filter.js'
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ScimError } from '../../src/scim/errors.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { buildUser, createOrganization, createUser, nextTimestamp } from './store-fixtures.js'

const isUniqueness = (error: unknown): boolean => error instanceof ScimError && error.status === 409 && error.scimType === 'uniqueness'

for (const dialect of DIALECTS) {
  describe(`users store (${dialect})`, () => {
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

    it('reads back every field of an inserted user, emails in order', async () => {
      const user = buildUser(orgId, {
        userName: 'Ada@Example.com',
        externalId: 'ext-Ada',
        displayName: 'Ada Lovelace',
        emails: [
          { value: 'Ada@Example.com', type: 'work', primary: true },
          { value: 'ada@home.example', type: null, primary: false },
        ],
        extra: { name: { givenName: 'Ada' }, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' } },
      })
      await store.insertUser(user)
      assert.deepEqual(await store.findUser(orgId, user.id), user)
    })

    it('writes every field on update and replaces the email index', async () => {
      const user = await createUser(store, orgId, { userName: 'grace', emails: [{ value: 'g@old.example', type: 'work', primary: true }] })
      const updated = {
        ...user,
        userName: 'Grace.Hopper',
        externalId: 'ext-grace',
        displayName: 'Grace',
        active: false,
        role: 'ADMIN' as const,
        emails: [{ value: 'Grace@New.example', type: 'Home', primary: false }],
        document: { userName: 'Grace.Hopper', active: false, title: 'Rear Admiral', emails: [{ value: 'Grace@New.example', type: 'Home', primary: false }] },
        version: 2,
        updatedAt: nextTimestamp(),
      }
      await store.updateUser(updated, user)
      assert.deepEqual(await store.findUser(orgId, user.id), updated)
      const byOldEmail = await store.listUsers(orgId, { startIndex: 1, count: 10, filter: emailsValueEq('g@old.example') })
      assert.equal(byOldEmail.totalResults, 0)
      const byNewEmail = await store.listUsers(orgId, { startIndex: 1, count: 10, filter: emailsValueEq('grace@new.example') })
      assert.deepEqual(byNewEmail.items.map((u) => u.id), [user.id])
    })

    // PostgreSQL writes a user and its one email in one statement (a data-modifying CTE): the email is indexed with its
    // type and primary flag, and a refused user leaves no email behind.
    it('indexes the one email of a new user, and a duplicate userName leaves no email row behind', async () => {
      const ada = await createUser(store, orgId, { userName: 'one-email', emails: [{ value: 'One.Email@Example.com', type: 'Work', primary: true }] })
      assert.deepEqual((await store.findUser(orgId, ada.id))?.emails, [{ value: 'One.Email@Example.com', type: 'Work', primary: true }])
      const found = async (filter: string) => (await store.listUsers(orgId, { startIndex: 1, count: 10, filter: parseFilter(filter) })).items.map((u) => u.id)
      assert.deepEqual(await found('emails.value eq "one.email@example.com"'), [ada.id])
      assert.deepEqual(await found('emails[type eq "work" and value eq "ONE.EMAIL@example.com"]'), [ada.id])
      const typeless = await createUser(store, orgId, { userName: 'one-email-typeless', emails: [{ value: 'typeless@example.com', type: null, primary: false }] })
      assert.deepEqual((await store.findUser(orgId, typeless.id))?.emails, [{ value: 'typeless@example.com', type: null, primary: false }])
      await assert.rejects(
        store.insertUser(buildUser(orgId, { userName: 'ONE-EMAIL', emails: [{ value: 'intruder@example.com', type: 'work', primary: true }] })),
        (error: unknown) => error instanceof ScimError && error.scimType === 'uniqueness',
      )
      assert.deepEqual(await found('emails.value eq "intruder@example.com"'), [])
    })

    it('treats Unicode spellings of one name (NFC and NFD) as the same userName, and finds either way', async () => {
      const composed = 'Ren\u00e9@example.com'
      const decomposed = 'Rene\u0301@example.com'
      const user = await createUser(store, orgId, { userName: composed })
      await assert.rejects(createUser(store, orgId, { userName: decomposed.toUpperCase() }), (error) => isUniqueness(error))
      const found = await store.listUsers(orgId, { startIndex: 1, count: 10, filter: parseFilter(`userName eq "${decomposed}"`) })
      assert.deepEqual(found.items.map((u) => u.id), [user.id])
    })

    it('rejects a second userName that differs only in case with 409 uniqueness', async () => {
      await createUser(store, orgId, { userName: 'Alice@Example.com' })
      await assert.rejects(createUser(store, orgId, { userName: 'ALICE@example.COM' }), (error) => {
        assert.ok(isUniqueness(error))
        assert.match((error as Error).message, /userName "ALICE@example.COM" is already taken in this organization/)
        return true
      })
    })

    it('compares userNames with JavaScript lower-casing, also beyond ASCII', async () => {
      await createUser(store, orgId, { userName: 'ÉLODIE' })
      await assert.rejects(createUser(store, orgId, { userName: 'élodie' }), isUniqueness)
    })

    it('rejects renaming a user to a taken userName with 409 and keeps the user unchanged', async () => {
      await createUser(store, orgId, { userName: 'taken' })
      const user = await createUser(store, orgId, { userName: 'free' })
      await assert.rejects(store.updateUser({ ...user, userName: 'TAKEN', version: 2 }), isUniqueness)
      assert.equal((await store.findUser(orgId, user.id))?.userName, 'free')
    })

    it('allows the same userName in two organizations', async () => {
      await createUser(store, orgId, { userName: 'shared@example.com' })
      await createUser(store, otherOrgId, { userName: 'shared@example.com' })
    })

    it("never finds, updates, deletes or lists another organization's user", async () => {
      const theirs = await createUser(store, otherOrgId, { userName: 'theirs@globex.example' })
      assert.equal(await store.findUser(orgId, theirs.id), undefined)
      assert.equal(await store.deleteUser(orgId, theirs.id), false)
      await assert.rejects(store.updateUser({ ...theirs, orgId, version: 2 }), (error) => error instanceof ScimError && error.status === 404)
      const listed = await store.listUsers(orgId, { startIndex: 1, count: 1000 })
      assert.ok(listed.items.every((user) => user.orgId === orgId))
      assert.ok(!listed.items.some((user) => user.id === theirs.id))
      assert.ok(await store.findUser(otherOrgId, theirs.id))
    })

    it('deletes a user once: true, then false, and the user is gone', async () => {
      const user = await createUser(store, orgId, { userName: 'to-delete', emails: [{ value: 'del@example.com', type: 'work', primary: true }] })
      assert.equal(await store.deleteUser(orgId, user.id), true)
      assert.equal(await store.deleteUser(orgId, user.id), false)
      assert.equal(await store.findUser(orgId, user.id), undefined)
      assert.equal((await store.listUsers(orgId, { startIndex: 1, count: 10, filter: emailsValueEq('del@example.com') })).totalResults, 0)
    })

    it('pages the unfiltered list in creation order with a correct total', async () => {
      const pagedOrg = await createOrganization(store, 'Paging')
      const names = Array.from({ length: 7 }, (_, i) => `user-${i}`)
      for (const userName of names) await createUser(store, pagedOrg, { userName })
      const page = await store.listUsers(pagedOrg, { startIndex: 3, count: 2 })
      assert.equal(page.totalResults, 7)
      assert.deepEqual(page.items.map((user) => user.userName), ['user-2', 'user-3'])
      const beyond = await store.listUsers(pagedOrg, { startIndex: 50, count: 2 })
      assert.deepEqual(beyond, { totalResults: 7, items: [] })
      const countOnly = await store.listUsers(pagedOrg, { startIndex: 1, count: 0 })
      assert.deepEqual(countOnly, { totalResults: 7, items: [] })
      const startBelowOne = await store.listUsers(pagedOrg, { startIndex: 0, count: 1 })
      assert.deepEqual(startBelowOne.items.map((user) => user.userName), ['user-0'])
    })

    it('rejects a userName too long to index with 400 invalidValue instead of a database error', async () => {
      await assert.rejects(createUser(store, orgId, { userName: 'x'.repeat(3000) }), (error) => {
        assert.ok(error instanceof ScimError)
        assert.equal(error.status, 400)
        assert.equal(error.scimType, 'invalidValue')
        return true
      })
    })

    it('rejects NUL in userName with 400 and treats ids containing NUL as unknown', async () => {
      await assert.rejects(createUser(store, orgId, { userName: 'nul\u0000name' }), (error) => error instanceof ScimError && error.status === 400)
      assert.equal(await store.findUser(orgId, 'usr_\u0000'), undefined)
      assert.equal(await store.deleteUser(orgId, 'usr_\u0000'), false)
    })

    it('rolls back every write of a transaction that throws', async () => {
      const user = buildUser(orgId, { userName: 'rolled-back' })
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertUser(user)
          throw new Error('boom')
        }),
        /boom/,
      )
      assert.equal(await store.findUser(orgId, user.id), undefined)
    })

    it('reuses the open transaction when transaction() is called on a transaction store', async () => {
      const user = buildUser(orgId, { userName: 'nested' })
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.transaction(async (inner) => inner.insertUser(user))
          assert.ok(await tx.findUser(orgId, user.id))
          throw new Error('undo all')
        }),
        /undo all/,
      )
      assert.equal(await store.findUser(orgId, user.id), undefined)
    })

    it('answers ping()', async () => {
      await store.ping()
      assert.equal(store.engine, dialect)
    })
  })
}

function emailsValueEq(value: string) {
  return { kind: 'compare', path: { attribute: 'emails', subAttribute: 'value', raw: 'emails.value' }, operator: 'eq', value } as const
}
