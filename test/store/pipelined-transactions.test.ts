import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import type { Database } from '../../src/store/database.js'
import { postgresDialect } from '../../src/store/postgres/dialect.js'
import { deferUntilNextStatement, pipelineTransactions } from '../../src/store/postgres/pipelined-transactions.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

// On PostgreSQL a transaction's BEGIN travels with its first statement, and its outbox append with its COMMIT (pg's
// pipeline mode): two round trips fewer for every write. What must not change: transactions are transactions, and
// every failure reaches the caller with its own cause.
if (DIALECTS.includes('postgres')) {
  describe('postgres: BEGIN and the last statement pipelined', () => {
    let opened: Awaited<ReturnType<typeof openTestStore>>
    let db: Kysely<Database>

    before(async () => {
      opened = await openTestStore('postgres')
      db = postgresDialect.open(opened.databaseUrl, { poolSize: 2 })
      await sql`create table pipelined_probe (id text primary key)`.execute(db)
    })
    after(async () => {
      await db.destroy()
      await opened.close()
    })

    const connect = async (): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: opened.databaseUrl, ...{ pipeline: true } })
      await client.connect()
      client.on('error', () => {})
      pipelineTransactions(client as unknown as pg.PoolClient)
      return client
    }

    test('a client without pipeline mode (a pg before 8.23 ignores the option) is left as it is', () => {
      // Wrapped, its answered-at-once BEGIN and deferred append would lean on pg's deprecated query queue (gone in
      // pg 9) and save nothing.
      const client = new pg.Client({ connectionString: opened.databaseUrl })
      const query = client.query
      pipelineTransactions(client as unknown as pg.PoolClient)
      assert.equal(client.query, query)
    })

    test('the statements after BEGIN run in one transaction, which commits or rolls back whole', async () => {
      await db.transaction().execute(async (tx) => {
        const first = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx)
        await sql`insert into pipelined_probe (id) values ('kept')`.execute(tx)
        const second = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx)
        assert.equal(first.rows[0]!.xid, second.rows[0]!.xid, 'one transaction')
      })
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await sql`insert into pipelined_probe (id) values ('undone')`.execute(tx)
          throw new Error('changed my mind')
        }),
        /changed my mind/,
      )
      const { rows } = await sql<{ id: string }>`select id from pipelined_probe order by id`.execute(db)
      assert.deepEqual(rows.map((row) => row.id), ['kept'])
    })

    test("BEGIN answers at once; the first statement's own error is the one reported", async () => {
      const client = await connect()
      try {
        const begun = await client.query('begin', [])
        assert.equal(begun.command, 'BEGIN')
        await assert.rejects(client.query('select 1 / 0', []), (error: { code?: string }) => error.code === '22012')
        await client.query('rollback', [])
        // The connection goes on: the next transaction works.
        await client.query('begin', [])
        assert.deepEqual((await client.query('select 1 as one', [])).rows, [{ one: 1 }])
        await client.query('commit', [])
      } finally {
        await client.end().catch(() => {})
      }
    })

    test('a BEGIN that fails fails the first statement with its cause, never silently', async () => {
      const client = await connect()
      try {
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(db)
        // The server has gone: BEGIN is answered at once, and the statement after it carries the failure.
        await client.query('begin', [])
        await assert.rejects(client.query('insert into pipelined_probe (id) values ($1)', ['orphan']))
        const { rows: stored } = await sql<{ id: string }>`select id from pipelined_probe where id = 'orphan'`.execute(db)
        assert.deepEqual(stored, [])
      } finally {
        await client.end().catch(() => {})
      }
    })

    test('a deferred statement commits with its transaction; its failure fails the COMMIT with its own error', async () => {
      const append = 'insert into pipelined_probe (id) values ($1)'
      deferUntilNextStatement(append)
      const client = await connect()
      try {
        await client.query('begin', [])
        await client.query('insert into pipelined_probe (id) values ($1)', ['first'])
        assert.equal((await client.query(append, ['second'])).command, 'DEFERRED', 'answered at once')
        assert.equal((await client.query('commit', [])).command, 'COMMIT')
        // A unique violation in the deferred statement: the COMMIT reports it, and nothing of the transaction stays.
        await client.query('begin', [])
        await client.query('insert into pipelined_probe (id) values ($1)', ['third'])
        await client.query(append, ['first'])
        await assert.rejects(client.query('commit', []), (error: { code?: string; constraint?: string }) => error.code === '23505')
        // ROLLBACK after a failed deferred statement reports its own outcome (the caller is already throwing).
        await client.query('begin', [])
        await client.query(append, ['second'])
        assert.equal((await client.query('rollback', [])).command, 'ROLLBACK')
        // Outside a transaction the same text is an ordinary statement, answered before it resolves.
        assert.equal((await client.query(append, ['fourth'])).rowCount, 1)
        await assert.rejects(client.query(append, ['fourth']), (error: { code?: string }) => error.code === '23505')
      } finally {
        await client.end().catch(() => {})
      }
      const { rows } = await sql<{ id: string }>`select id from pipelined_probe where id <> 'kept' order by id`.execute(db)
      assert.deepEqual(rows.map((row) => row.id), ['first', 'fourth', 'second'])
    })
  })
}
