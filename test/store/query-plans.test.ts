import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CompiledQuery, sql, type Kysely, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely'
import { parseFilter } from '../../src/scim/filter/parse-filter.js'
import type { Database } from '../../src/store/database.js'
import type { EngineDialect } from '../../src/store/engine-dialect.js'
import { translateGroupFilter, translateUserFilter } from '../../src/store/filter-to-sql.js'
import { listFiltered, organizationTableSource } from '../../src/store/filtered-list.js'
import { PagePositions } from '../../src/store/page-positions.js'
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

    /** The SQL a list page really runs, recorded on its way to the database. */
    async function queriesOf(run: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
      const recorded: { node: RootOperationNode; queryId: QueryId }[] = []
      const recorder: KyselyPlugin = {
        transformQuery: (args) => (recorded.push(args), args.node),
        transformResult: async (args) => args.result,
      }
      await run(db.withPlugin(recorder))
      return recorded.map(({ node, queryId }) => db.getExecutor().compileQuery(node, queryId))
    }
    // A seek on the creation sequence: through (org_id, seq), or the primary key's seq range when the planner finds
    // that cheaper (the organization holds most rows here). What must never happen is an OFFSET scan or a sort.
    const SEEK = /users_org_seq \(org_id=\? AND (seq|rowid)[<>]\?\)|INTEGER PRIMARY KEY \(rowid[<>]\?\)|Index Cond: [^\n]*seq [<>]/
    const pageQueries = (queries: CompiledQuery[]) => queries.filter((query) => /order by/i.test(query.sql))
    const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'

    it('reads a late startIndex page by an index seek after the remembered position, not by OFFSET', async () => {
      const positions = new PagePositions()
      const memory = { positions, key: (offset: number) => PagePositions.key(orgId, 'users', '', offset) }
      const list = (startIndex: number) => (kysely: Kysely<Database>) =>
        listFiltered(organizationTableSource(kysely, 'users', orgId, undefined), undefined, USER_SCHEMA, { startIndex, count: 100 }, memory)
      // The walk so far: page 1,501 came by OFFSET (nothing remembered), and remembers where it ended.
      const earlier = pageQueries(await queriesOf(list(1501)))
      assert.match(earlier[0]!.sql, /offset/i)
      const late = pageQueries(await queriesOf(list(1601)))
      assert.equal(late.length, 1)
      assert.doesNotMatch(late[0]!.sql, /offset/i, late[0]!.sql)
      const plan = await planOf(late[0]!)
      assert.match(plan, SEEK, plan)
      assert.doesNotMatch(plan, /Seq Scan on users|SCAN users\b|Sort/, plan)
    })

    it('reads a cursor page (either direction) by an index seek', async () => {
      const rows = await db.selectFrom('users').select('seq').where('org_id', '=', orgId).orderBy('seq').offset(1500).limit(1).execute()
      const seq = String(rows[0]!.seq)
      for (const direction of ['after', 'before'] as const) {
        const queries = pageQueries(
          await queriesOf((kysely) =>
            listFiltered(organizationTableSource(kysely, 'users', orgId, undefined), undefined, USER_SCHEMA, { startIndex: 1, count: 100, seek: { direction, seq } }),
          ),
        )
        assert.equal(queries.length, 1)
        assert.doesNotMatch(queries[0]!.sql, /offset/i)
        const plan = await planOf(queries[0]!)
        assert.match(plan, SEEK, `${direction}: ${plan}`)
        assert.doesNotMatch(plan, /Seq Scan on users|SCAN users\b|Sort/, `${direction}: ${plan}`)
      }
    })

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
