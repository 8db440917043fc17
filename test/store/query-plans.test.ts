import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CompiledQuery, sql, type Kysely } from 'kysely'
import { parseFilter } from '../../src/scim/filter/parse-filter.js'
import type { Database } from '../../src/store/database.js'
import type { EngineDialect } from '../../src/store/engine-dialect.js'
import { translateGroupFilter, translateUserFilter } from '../../src/store/filter-to-sql.js'
import { parseDatabaseUrl } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createGroup, createOrganization, createUser } from './store-fixtures.js'

/**
 * Entra looks users up by userName (and externalId, id, email) on every cycle: those lookups must
 * be index searches, not scans of the organization. Plans are read with realistic statistics.
 */
for (const dialect of DIALECTS) {
  describe(`query plans of indexed lookups (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let db: Kysely<Database>
    let orgId: string
    let groupId: string
    let engine: EngineDialect

    before(async () => {
      let databaseUrl: string
      ;({ store, close, databaseUrl } = await openTestStore(dialect))
      const parsed = parseDatabaseUrl(databaseUrl)
      engine = parsed.dialect
      db = engine.open(parsed.location, { poolSize: 1 })
      orgId = await createOrganization(store)
      const otherOrg = await createOrganization(store, 'Other')
      await store.transaction(async (tx) => {
        for (let i = 0; i < 2000; i++) {
          await createUser(tx, i % 10 === 0 ? otherOrg : orgId, {
            userName: `user-${i}@example.com`,
            externalId: `ext-${i}`,
            emails: [{ value: `user-${i}@example.com`, type: 'work', primary: true }],
          })
        }
        for (let i = 0; i < 200; i++) groupId = (await createGroup(tx, orgId, `group-${i}`, `gext-${i}`)).id
        const members = (await tx.listUsers(orgId, { startIndex: 1, count: 5000 })).items.map((user) => user.id)
        await tx.addGroupMembers(orgId, groupId, members)
        const other = (await tx.listGroups(orgId, { startIndex: 1, count: 20 })).items
        for (const [index, group] of other.entries()) await tx.addGroupMembers(orgId, group.id, members.slice(index * 50, index * 50 + 50))
      })
      await sql`analyze`.execute(db)
    })
    after(async () => {
      await db.destroy()
      await close()
    })

    async function planOf(query: CompiledQuery): Promise<string> {
      const prefix = engine.engine === 'sqlite' ? 'explain query plan ' : 'explain '
      const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + query.sql, [...query.parameters]))
      return result.rows.map((row) => String(row.detail ?? row['QUERY PLAN'])).join('\n')
    }

    const userLookup = (filter: string) => {
      const { where, residual } = translateUserFilter(parseFilter(filter), engine, orgId)
      assert.equal(residual, undefined, `${filter} should be decided in SQL`)
      return db.selectFrom('users').selectAll().where('org_id', '=', orgId).where(where!).orderBy('seq').limit(100).compile()
    }
    const groupLookup = (filter: string) => {
      const { where, residual } = translateGroupFilter(parseFilter(filter), engine, orgId)
      assert.equal(residual, undefined, `${filter} should be decided in SQL`)
      return db.selectFrom('groups').selectAll().where('org_id', '=', orgId).where(where!).orderBy('seq').limit(100).compile()
    }

    const cases: [string, () => CompiledQuery, RegExp][] = [
      ['userName eq', () => userLookup('userName eq "USER-5@example.com"'), /users_org_user_name_key_unique|sqlite_autoindex_users_2/],
      ['externalId eq', () => userLookup('externalId eq "ext-5"'), /users_org_external_id/],
      ['id eq', () => userLookup('id eq "usr_x"'), /users_id_key|sqlite_autoindex_users_1/],
      ['emails[type eq "work"].value eq', () => userLookup('emails[type eq "work"].value eq "user-5@example.com"'), /user_emails_org_value[^]*(users_id_key|sqlite_autoindex_users_1)|(users_id_key|sqlite_autoindex_users_1)[^]*user_emails_org_value/],
      ['group displayName eq', () => groupLookup('displayName eq "GROUP-5"'), /groups_org_display_name_key_unique|sqlite_autoindex_groups_2/],
      ['group externalId eq', () => groupLookup('externalId eq "gext-5"'), /groups_org_external_id/],
      // The access check (issue 6): one indexed read of the member's row, by id or by sign-in name.
      ['the access check by member id', () => db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', 'usr_x').compile(), /users_id_key|sqlite_autoindex_users_1/],
      ['the access check by userName', () => db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('user_name_key', '=', 'user-5@example.com').compile(), /users_org_user_name_key_unique|sqlite_autoindex_users_2/],
    ]
    for (const [name, build, index] of cases) {
      it(`searches an index for ${name}`, async () => {
        const plan = await planOf(build())
        assert.match(plan, index, plan)
        assert.doesNotMatch(plan, /Seq Scan on users|SCAN users\b|Seq Scan on groups|SCAN groups\b/, plan)
      })
    }

    it('finds the groups of a member through the group_members user index', async () => {
      // 200 groups is small enough that PostgreSQL may rightly read them whole; the membership side must not be.
      const plan = await planOf(groupLookup(`members[value eq "usr_x"]`))
      assert.match(plan, /group_members_user/, plan)
    })

    it('keyset-pages group members on the primary key', async () => {
      const query = db
        .selectFrom('group_members as gm')
        .innerJoin('users as u', 'u.id', 'gm.user_id')
        .select(['gm.user_id'])
        .where('gm.org_id', '=', orgId)
        .where('gm.group_id', '=', groupId)
        .where('gm.user_id', '>', 'usr_m')
        .orderBy('gm.user_id')
        .limit(100)
        .compile()
      const plan = await planOf(query)
      // Either membership index serves the page (PostgreSQL's choice between them depends on its statistics);
      // what must never happen is reading the whole membership table.
      assert.doesNotMatch(plan, /Seq Scan on group_members|\bSCAN gm\b/, plan)
      assert.match(plan, /group_members_pk|group_members_user|sqlite_autoindex_group_members_1/, plan)
    })
  })
}
