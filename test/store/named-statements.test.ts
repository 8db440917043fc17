import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CompiledQuery, sql, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { postgresDialect } from '../../src/store/postgres/dialect.js'
import { nameStatement, statementName } from '../../src/store/postgres/named-statements.js'
import type { Store } from '../../src/store/store.js'
import { provisioningLogRepo } from '../../src/store/provisioning-log-repo.js'
import { usersRepo } from '../../src/store/users-repo.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { logEntry } from '../provisioning/log-fixtures.js'
import { createOrganization, createUser } from './store-fixtures.js'

// PostgreSQL runs the store's hot statements (prepared-query.ts) as named prepared statements: parsed and planned
// once per connection, not on every call (issue #11: the lookup went from ~3,000 to ~5,000 req/s).
if (DIALECTS.includes('postgres')) {
  describe('postgres: the hot statements are prepared once per connection', () => {
    let opened: Awaited<ReturnType<typeof openTestStore>>
    let store: Store
    let db: Kysely<Database>

    before(async () => {
      opened = await openTestStore('postgres')
      store = opened.store
      // One connection, so that pg_prepared_statements (per session) shows what this connection prepared.
      db = postgresDialect.open(new URL(opened.databaseUrl).toString(), { poolSize: 1 })
    })
    after(async () => {
      await db.destroy()
      await opened.close()
    })

    test('a lookup runs as a named statement, and still runs after a migration adds a column to users', async () => {
      const orgId = await createOrganization(store, 'Prepared')
      const ada = await createUser(store, orgId, { userName: 'ada@prepared.example' })
      const users = usersRepo({ db, dialect: postgresDialect, inTransaction: false })
      assert.equal((await users.findUserByUserName(orgId, 'ADA@prepared.example'))?.id, ada.id)
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db)
      const lookup = rows.find((row) => row.statement.includes('"user_name_key" = $2'))
      assert.ok(lookup, `no prepared lookup among ${JSON.stringify(rows.map((row) => row.statement.slice(0, 80)))}`)
      assert.equal(statementName(lookup.statement), lookup.name)
      // Another instance upgrading first adds a column: a prepared `select *` would now fail ("cached plan must not
      // change result type"); the hot statements name their columns, so this one goes on.
      await sql`alter table users add column added_by_a_later_migration text`.execute(db)
      assert.equal((await users.findUserByUserName(orgId, 'ada@prepared.example'))?.id, ada.id)
      assert.equal((await users.findUser(orgId, ada.id))?.userName, 'ada@prepared.example')
      assert.equal((await users.findUserWithGroups(orgId, ada.id))?.user.id, ada.id)
    })

    // A migration of another instance may change a column's type: PostgreSQL then refuses the prepared statement on
    // every call ("cached plan must not change result type"), on every connection that prepared it, until the
    // connection closes. The connection prepares it anew instead: at most the first call after the migration fails.
    test('a statement whose result columns a migration retyped is prepared anew on the connection', async () => {
      const orgId = await createOrganization(store, 'Retyped')
      const ada = await createUser(store, orgId, { userName: 'ada@retyped.example', displayName: 'Ada' })
      const users = usersRepo({ db, dialect: postgresDialect, inTransaction: false })
      assert.equal((await users.findUser(orgId, ada.id))?.displayName, 'Ada')
      await sql`alter table users alter column display_name type varchar(500)`.execute(db)
      await users.findUser(orgId, ada.id).catch(() => undefined)
      assert.equal((await users.findUser(orgId, ada.id))?.displayName, 'Ada')
      assert.equal((await users.findUser(orgId, ada.id))?.displayName, 'Ada')
    })

    test('DATABASE_NAMED_STATEMENTS=false (a pooler that cannot keep them) prepares nothing', async () => {
      const orgId = await createOrganization(store, 'Unprepared')
      const grace = await createUser(store, orgId, { userName: 'grace@unprepared.example' })
      const unnamed = postgresDialect.open(new URL(opened.databaseUrl).toString(), { poolSize: 1, namedStatements: false })
      try {
        const users = usersRepo({ db: unnamed, dialect: postgresDialect, inTransaction: false })
        assert.equal((await users.findUserByUserName(orgId, 'grace@unprepared.example'))?.id, grace.id)
        const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(unnamed)
        assert.deepEqual(rows, [])
      } finally {
        await unnamed.destroy()
      }
    })

    // A connection that believes a statement is prepared when the server no longer has it fails every later call of
    // that statement ("prepared statement roster_N does not exist") until the connection is discarded.
    describe('a failing call leaves the connection able to run the statement again', () => {
      const run = (target: Kysely<Database>, text: string, values: unknown[]) => target.executeQuery(CompiledQuery.raw(text, values))
      before(async () => {
        await sql`create table named_probe (id text primary key)`.execute(db)
      })

      test('first prepared in a transaction that rolls back', async () => {
        const text = 'select "id" from "named_probe" where "id" = $1 and 1 = 1'
        nameStatement(text)
        await db.connection().execute(async (connection) => {
          await sql`begin`.execute(connection)
          await run(connection, text, ['a'])
          await sql`rollback`.execute(connection)
          assert.deepEqual((await run(connection, text, ['a'])).rows, [])
        })
      })

      test('first run fails with a unique violation, then runs', async () => {
        const text = 'insert into "named_probe" ("id") values ($1)'
        nameStatement(text)
        await sql`insert into named_probe (id) values ('taken')`.execute(db)
        await assert.rejects(run(db, text, ['taken']), (error: { code?: string }) => error.code === '23505')
        assert.equal((await run(db, text, ['free'])).numAffectedRows, 1n)
      })

      test('first Parse refused in an aborted transaction, then runs', async () => {
        const text = 'select "id" from "named_probe" where "id" = $1 and 2 = 2'
        nameStatement(text)
        await db.connection().execute(async (connection) => {
          await sql`begin`.execute(connection)
          await assert.rejects(sql`select 1 / 0`.execute(connection))
          await assert.rejects(run(connection, text, ['a']), (error: { code?: string }) => error.code === '25P02')
          await sql`rollback`.execute(connection)
          assert.deepEqual((await run(connection, text, ['free'])).rows, [{ id: 'free' }])
        })
      })

      test('a value pg cannot serialize fails that call only', async () => {
        const text = 'select "id" from "named_probe" where "id" = $1 and 3 = 3'
        nameStatement(text)
        assert.deepEqual((await run(db, text, ['free'])).rows, [{ id: 'free' }])
        const unserializable = { toPostgres: () => { throw new Error('cannot serialize') } }
        await assert.rejects(run(db, text, [unserializable]), /cannot serialize/)
        assert.deepEqual((await run(db, text, ['free'])).rows, [{ id: 'free' }])
        // Also on the statement's first use on a connection (Parse and the refused Bind in one go).
        const fresh = 'select "id" from "named_probe" where "id" = $1 and 4 = 4'
        nameStatement(fresh)
        await assert.rejects(run(db, fresh, [{ toJSON: () => { throw new Error('cannot serialize') } }]), /cannot serialize/)
        assert.deepEqual((await run(db, fresh, ['free'])).rows, [{ id: 'free' }])
      })
    })

    // The log's batch insert binds an array (its organizations' ids, provisioning-log-repo.ts): arrays of scalars are named too.
    test("the provisioning log's batch insert, whose values are arrays, runs as a named statement", async () => {
      const orgId = await createOrganization(store, 'Logged')
      const log = provisioningLogRepo({ db, dialect: postgresDialect, inTransaction: false })
      assert.equal(await log.insertLogEntries([logEntry(orgId, new Date()), logEntry(orgId, new Date())]), 2)
      assert.equal(await log.insertLogEntries([logEntry(orgId, new Date())]), 1)
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db)
      const insert = rows.find((row) => row.statement.includes('insert into provisioning_log'))
      assert.ok(insert, `no prepared log insert among ${JSON.stringify(rows.map((row) => row.statement.slice(0, 80)))}`)
      assert.equal(statementName(insert.statement), insert.name)
      // An array holding an object is serialized by pg's own code (which may throw): that call runs unnamed.
      const text = 'select count(*)::int as "n" from unnest($1::text[]) as "v" where 5 = 5'
      nameStatement(text)
      const run = (values: unknown[]) => db.executeQuery<{ n: number }>(CompiledQuery.raw(text, values))
      assert.deepEqual((await run([[{ toPostgres: () => 'x' }, 'y']])).rows, [{ n: 2 }])
      assert.equal((await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement = ${text}`.execute(db)).rows[0]?.n, 0)
      assert.deepEqual((await run([['x', null, 'z']])).rows, [{ n: 3 }])
      assert.equal((await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement = ${text}`.execute(db)).rows[0]?.n, 1)
    })

    // pg turns an array into one text while it writes Bind; past V8's longest string (~512 M characters: a full log
    // batch of large diffs full of quotes, which escaping doubles twice) that throws, and pg then sends Close for the
    // statement: PostgreSQL deallocated it while the connection still counted it as prepared, so every later log
    // batch on that connection failed ("prepared statement ... does not exist") and its entries were dropped.
    test('an array too long for one string fails alone: the named statement stays usable on its connection', async () => {
      const text = 'select count(*)::int as "n" from unnest($1::text[]) as "v" where 6 = 6'
      nameStatement(text)
      const run = (values: unknown[]) => db.executeQuery<{ n: number }>(CompiledQuery.raw(text, values))
      assert.deepEqual((await run([['x', 'y']])).rows, [{ n: 2 }])
      // One shared 1 M-character string 600 times: V8 builds the array's text as a rope, so this costs no memory.
      const long = 'x'.repeat(1_000_000)
      await assert.rejects(run([Array.from({ length: 600 }, () => long)]), RangeError)
      assert.deepEqual((await run([['x', 'y', 'z']])).rows, [{ n: 3 }])
      assert.equal((await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement = ${text}`.execute(db)).rows[0]?.n, 1)
    })

    test('a statement that selects * is never named', () => {
      const stars = [
        'select * from "users" where "id" = $1',
        'select "users".*, 1 as "x" from "users"',
        'select "id", * from "groups"',
        // RETURNING's columns are result columns too (Kysely's returningAll()), and a table may be schema-qualified.
        'insert into "groups" ("id") values ($1) returning *',
        'update "groups" set "id" = $1 returning "groups".*',
        'select "public"."users".* from "public"."users" where "id" = $1',
      ]
      for (const text of stars) {
        nameStatement(text)
        assert.equal(statementName(text), undefined, text)
      }
      nameStatement('select "id" from "groups" where "id" = $1')
      assert.match(statementName('select "id" from "groups" where "id" = $1') ?? '', /^roster_\d+$/)
    })
  })
}
