import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { caseFoldedKeys } from '../../src/store/migrations/0006-case-folded-keys.js'
import { parseDatabaseUrl } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { textKey } from '../../src/store/text-key.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createGroup, createOrganization, createUser } from './store-fixtures.js'

/** The key rule before migration 0006: NFC, then lower-casing. */
const oldKey = (text: string): string => text.normalize('NFC').toLowerCase()

for (const dialect of DIALECTS) {
  describe(`migration 0006 rewrites keys to case folding (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let db: Kysely<Database>

    before(async () => {
      const opened = await openTestStore(dialect)
      ;({ store, close } = opened)
      const { dialect: engine, location } = parseDatabaseUrl(opened.databaseUrl)
      db = engine.open(location, { poolSize: 2 })
    })
    after(async () => {
      await db.destroy()
      await close()
    })

    test('changed keys are rewritten; two stored names that now collide keep the constraint (the first keeps the new key)', async () => {
      const orgId = await createOrganization(store)
      const names = ['ΟΔΥΣΣΕΥΣ', 'οδυσσευσ', 'Straße', 'plain@contoso.test']
      const users = []
      for (const userName of names) {
        const user = await createUser(store, orgId, { userName })
        // Put the row back as the older code wrote it (which let both Greek spellings in).
        await db.updateTable('users').set({ user_name_key: oldKey(user.userName) }).where('id', '=', user.id).execute()
        users.push(user)
      }
      const group = await createGroup(store, orgId, 'MASSE')
      await db.updateTable('groups').set({ display_name_key: oldKey('MASSE') }).where('id', '=', group.id).execute()
      assert.notEqual(oldKey('ΟΔΥΣΣΕΥΣ'), oldKey('οδυσσευσ'))

      await caseFoldedKeys.up(db as Kysely<any>)

      const keys = new Map((await db.selectFrom('users').select(['id', 'user_name_key']).execute()).map((row) => [row.id, row.user_name_key]))
      // 'οδυσσευσ' already had its folded key, so it keeps it; the upper-case one keeps its old key.
      assert.equal(keys.get(users[1]!.id), textKey('οδυσσευσ'))
      assert.equal(keys.get(users[0]!.id), oldKey('ΟΔΥΣΣΕΥΣ'))
      assert.equal(keys.get(users[2]!.id), textKey('Straße'))
      assert.equal(keys.get(users[3]!.id), 'plain@contoso.test')
      const groupKey = await db.selectFrom('groups').select('display_name_key').where('id', '=', group.id).executeTakeFirstOrThrow()
      assert.equal(groupKey.display_name_key, textKey('MASSE'))
      // Running it again changes nothing.
      await caseFoldedKeys.up(db as Kysely<any>)
      assert.equal((await db.selectFrom('users').select('user_name_key').where('id', '=', users[0]!.id).executeTakeFirstOrThrow()).user_name_key, oldKey('ΟΔΥΣΣΕΥΣ'))
    })
  })
}
