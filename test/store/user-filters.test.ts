import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ScimError } from '../../src/scim/errors.js'
import { parseFilter } from '../../src/scim/filter/parse-filter.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createGroup, createOrganization, createUser, userNamesMatching } from './store-fixtures.js'

for (const dialect of DIALECTS) {
  describe(`user filters in SQL (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let orgId: string
    let adaId: string
    let engineersId: string
    let firstCreatedAt: string
    let lastCreatedAt: string
    const names = (filter: string) => userNamesMatching(store, orgId, filter)

    before(async () => {
      ;({ store, close } = await openTestStore(dialect))
      orgId = await createOrganization(store)
      const ada = await createUser(store, orgId, {
        userName: 'Ada@Example.com',
        externalId: 'EXT-1',
        displayName: 'Ada Lovelace',
        emails: [
          { value: 'Ada@Example.com', type: 'work', primary: true },
          { value: 'ada@home.example', type: 'home', primary: false },
        ],
        extra: { title: 'Countess', name: { familyName: 'Lovelace' } },
      })
      adaId = ada.id
      firstCreatedAt = ada.createdAt
      await createUser(store, orgId, { userName: 'bob_smith', externalId: 'ext-2', displayName: 'Bob', active: false, emails: [{ value: 'bob@example.com', type: 'work', primary: false }], extra: { title: 'Engineer' } })
      await createUser(store, orgId, { userName: 'carol%50', displayName: 'Élodie Carol', extra: { title: 'Senior Engineer' } })
      const last = await createUser(store, orgId, { userName: 'dave*[?]', emails: [{ value: 'dave@other.example', type: null, primary: false }] })
      lastCreatedAt = last.createdAt
      const otherOrg = await createOrganization(store, 'Other')
      await createUser(store, otherOrg, { userName: 'ada@example.com', externalId: 'EXT-1', emails: [{ value: 'ada@example.com', type: 'work', primary: true }] })
      engineersId = (await createGroup(store, orgId, 'Engineers')).id
      await store.addGroupMembers(orgId, engineersId, [ada.id])
    })
    after(() => close())

    it('matches userName in any case with eq (Entra: "filter with a different case")', async () => {
      assert.deepEqual(await names('userName eq "ADA@EXAMPLE.COM"'), ['Ada@Example.com'])
      assert.deepEqual(await names('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada@example.com"'), ['Ada@Example.com'])
      assert.deepEqual(await names('userName eq "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"'), [])
    })

    it('applies sw, ew, co, ne, gt, ge, lt, le and pr to userName', async () => {
      assert.deepEqual(await names('userName sw "ADA"'), ['Ada@Example.com'])
      assert.deepEqual(await names('userName ew "SMITH"'), ['bob_smith'])
      assert.deepEqual(await names('userName co "@EXAMPLE"'), ['Ada@Example.com'])
      assert.deepEqual(await names('userName ne "ada@example.com"'), ['bob_smith', 'carol%50', 'dave*[?]'])
      assert.deepEqual(await names('userName gt "bob_smith"'), ['carol%50', 'dave*[?]'])
      assert.deepEqual(await names('userName ge "bob_smith"'), ['bob_smith', 'carol%50', 'dave*[?]'])
      assert.deepEqual(await names('userName lt "bob"'), ['Ada@Example.com'])
      assert.deepEqual(await names('userName le "bob_smith"'), ['Ada@Example.com', 'bob_smith'])
      assert.equal((await names('userName pr')).length, 4)
    })

    it('treats LIKE and GLOB metacharacters in values literally', async () => {
      assert.deepEqual(await names('userName sw "bob_"'), ['bob_smith'])
      assert.deepEqual(await names('userName sw "b_b"'), [])
      assert.deepEqual(await names('userName co "%"'), ['carol%50'])
      assert.deepEqual(await names('userName co "*"'), ['dave*[?]'])
      assert.deepEqual(await names('userName ew "[?]"'), ['dave*[?]'])
      assert.deepEqual(await names('userName co "?"'), ['dave*[?]'])
    })

    it('matches id and externalId case-exactly; externalId ne also matches users without one', async () => {
      assert.deepEqual(await names(`id eq "${adaId}"`), ['Ada@Example.com'])
      assert.deepEqual(await names('externalId eq "EXT-1"'), ['Ada@Example.com'])
      assert.deepEqual(await names('externalId eq "ext-1"'), [])
      assert.deepEqual(await names('externalId sw "EXT"'), ['Ada@Example.com'])
      assert.deepEqual(await names('externalId ne "EXT-1"'), ['bob_smith', 'carol%50', 'dave*[?]'])
      assert.deepEqual(await names('externalId pr'), ['Ada@Example.com', 'bob_smith'])
      assert.deepEqual(await names('not (externalId eq "EXT-1")'), ['bob_smith', 'carol%50', 'dave*[?]'])
      assert.deepEqual(await names('not (externalId pr)'), ['carol%50', 'dave*[?]'])
    })

    it('matches displayName in any case, also beyond ASCII', async () => {
      assert.deepEqual(await names('displayName eq "ada lovelace"'), ['Ada@Example.com'])
      assert.deepEqual(await names('displayName co "LOVE"'), ['Ada@Example.com'])
      assert.deepEqual(await names('displayName sw "élodie"'), ['carol%50'])
      assert.deepEqual(await names('displayName ne "bob"'), ['Ada@Example.com', 'carol%50', 'dave*[?]'])
    })

    it('matches active given as a boolean or as Entra\'s "True"/"False" strings', async () => {
      assert.deepEqual(await names('active eq false'), ['bob_smith'])
      assert.deepEqual(await names('active eq "False"'), ['bob_smith'])
      assert.deepEqual(await names('active eq "true"'), ['Ada@Example.com', 'carol%50', 'dave*[?]'])
      assert.deepEqual(await names('active ne true'), ['bob_smith'])
    })

    it('matches emails by value, type and primary through the email index', async () => {
      assert.deepEqual(await names('emails eq "ADA@home.example"'), ['Ada@Example.com'])
      assert.deepEqual(await names('emails.value eq "bob@EXAMPLE.com"'), ['bob_smith'])
      assert.deepEqual(await names('emails[type eq "work"].value eq "ada@example.com"'), ['Ada@Example.com'])
      assert.deepEqual(await names('emails[type eq "Work" and value eq "ADA@EXAMPLE.COM"]'), ['Ada@Example.com'])
      assert.deepEqual(await names('emails[type eq "home"].value eq "ada@example.com"'), [])
      assert.deepEqual(await names('emails[type eq "work"]'), ['Ada@Example.com', 'bob_smith'])
      assert.deepEqual(await names('emails.value ew "@example.com"'), ['Ada@Example.com', 'bob_smith'])
      assert.deepEqual(await names('emails.primary eq true'), ['Ada@Example.com'])
      assert.deepEqual(await names('emails.type pr'), ['Ada@Example.com', 'bob_smith'])
      assert.deepEqual(await names('emails pr'), ['Ada@Example.com', 'bob_smith', 'dave*[?]'])
      // `ne` on a multi-valued attribute: no element equals (users without emails included).
      assert.deepEqual(await names('emails.value ne "bob@example.com"'), ['Ada@Example.com', 'carol%50', 'dave*[?]'])
    })

    it('compares meta.created and meta.lastModified as instants', async () => {
      assert.deepEqual(await names(`meta.created gt "${firstCreatedAt}"`), ['bob_smith', 'carol%50', 'dave*[?]'])
      assert.deepEqual(await names(`meta.lastModified ge "${lastCreatedAt}"`), ['dave*[?]'])
      const sameInstantOtherZone = new Date(Date.parse(firstCreatedAt)).toISOString().replace('.000Z', '+00:00')
      assert.deepEqual(await names(`meta.created eq "${sameInstantOtherZone}"`), ['Ada@Example.com'])
      assert.deepEqual(await names(`meta.created lt "${firstCreatedAt}"`), [])
    })

    it('combines translatable parts with and, or and not', async () => {
      assert.deepEqual(await names('userName sw "a" or userName sw "d"'), ['Ada@Example.com', 'dave*[?]'])
      assert.deepEqual(await names('active eq true and not (emails pr)'), ['carol%50'])
      assert.deepEqual(await names('(userName eq "bob_smith" or externalId eq "EXT-1") and active eq true'), ['Ada@Example.com'])
    })

    it("matches a user's groups by group id", async () => {
      assert.deepEqual(await names(`groups eq "${engineersId}"`), ['Ada@Example.com'])
      assert.deepEqual(await names(`groups[value eq "${engineersId}"]`), ['Ada@Example.com'])
      await assert.rejects(names('groups co "grp"'), (error) => error instanceof ScimError && error.scimType === 'invalidFilter')
    })

    it('evaluates untranslatable attributes in memory, keeping the indexed conjuncts in SQL', async () => {
      assert.deepEqual(await names('title co "engineer"'), ['bob_smith', 'carol%50'])
      assert.deepEqual(await names('title co "engineer" and active eq true'), ['carol%50'])
      assert.deepEqual(await names('name.familyName eq "lovelace"'), ['Ada@Example.com'])
      assert.deepEqual(await names('title eq "Countess" or userName eq "dave*[?]"'), ['Ada@Example.com', 'dave*[?]'])
      assert.deepEqual(await names('not (title pr)'), ['dave*[?]'])
      assert.deepEqual(await names('emails[display eq "x"]'), [])
    })

    it('rejects a NUL character in a filter value with 400 invalidFilter', async () => {
      await assert.rejects(
        store.listUsers(orgId, { startIndex: 1, count: 10, filter: { kind: 'compare', path: { attribute: 'username', raw: 'userName' }, operator: 'eq', value: 'a\u0000' } }),
        (error) => error instanceof ScimError && error.status === 400 && error.scimType === 'invalidFilter',
      )
    })

    it('counts and pages residual matches across several batches in creation order', async () => {
      const bigOrg = await createOrganization(store, 'Big')
      await store.transaction(async (tx) => {
        for (let i = 0; i < 1100; i++) {
          await createUser(tx, bigOrg, { userName: `member-${String(i).padStart(4, '0')}`, active: i % 2 === 0, extra: { title: i % 3 === 0 ? 'Engineer' : 'Designer' } })
        }
      })
      const query = (startIndex: number, count: number) =>
        store.listUsers(bigOrg, { filter: parseFilter('title eq "engineer" and active eq true'), startIndex, count })
      // i divisible by 6: 0, 6, ..., 1098 → 184 matches.
      const first = await query(1, 3)
      assert.equal(first.totalResults, 184)
      assert.deepEqual(first.items.map((user) => user.userName), ['member-0000', 'member-0006', 'member-0012'])
      const late = await query(100, 2)
      assert.equal(late.totalResults, 184)
      assert.deepEqual(late.items.map((user) => user.userName), ['member-0594', 'member-0600'])
      assert.deepEqual((await query(184, 10)).items.map((user) => user.userName), ['member-1098'])
      assert.deepEqual(await query(185, 10), { totalResults: 184, items: [] })
      const items = (await query(90, 1)).items
      assert.equal(items[0]?.emails.length, 0)
    })
  })
}
