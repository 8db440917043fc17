import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { directoryServices } from '../../src/directory/directory-services.js'
import { appendEvents } from '../../src/events/outbox.js'
import { systemClock } from '../../src/lib/clock.js'
import { isDatabaseUnavailable } from '../../src/lib/database-unavailable.js'
import { DomainError } from '../../src/lib/domain-error.js'
import { ScimError } from '../../src/scim/errors.js'
import { createStore } from '../../src/store/create-store.js'
import type { Database } from '../../src/store/database.js'
import { postgresDialect } from '../../src/store/postgres/dialect.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { buildUser, createOrganization } from './store-fixtures.js'

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'

// On PostgreSQL the outbox append of a write travels with its COMMIT (pipelined-transactions.ts). Through the real
// directory services and ONE pooled connection (so every transaction reuses the client the previous one left): a
// failing append undoes the whole write and reports its own error, and the connection serves the next write cleanly.
if (DIALECTS.includes('postgres')) {
  describe('postgres: a write whose pipelined outbox append fails', () => {
    let opened: Awaited<ReturnType<typeof openTestStore>>
    let db: Kysely<Database>
    let store: Store
    let orgId: string
    const services = () => directoryServices(store, { clock: systemClock })
    const create = (userName: string) => services().users.create(orgId, { schemas: [USER_SCHEMA], userName })
    const stored = async (userName: string) => (await store.findUserByUserName(orgId, userName)) !== undefined
    const sequences = async () => (await store.readOrgEvents(orgId, 0, 10_000)).map((event) => event.sequence)

    before(async () => {
      opened = await openTestStore('postgres')
      db = postgresDialect.open(opened.databaseUrl, { poolSize: 1 })
      store = createStore(db, postgresDialect)
      orgId = await createOrganization(store, 'Pipelined')
      // The append of a member whose userName starts with fail-<SQLSTATE>- fails with that SQLSTATE, as a constraint,
      // a deadlock or a timeout would.
      await sql
        .raw(
          `create function refuse_marked_append() returns trigger language plpgsql as $$
           declare code text := substring(new.data from '"userName":"fail-([0-9A-Z]{5})-');
           begin
             if code is not null then raise exception 'append refused (%)', code using errcode = code; end if;
             return new;
           end $$;
           create trigger refuse_marked_append before insert on events for each row execute function refuse_marked_append()`,
        )
        .execute(db)
    })
    after(async () => {
      await db.destroy()
      await opened.close()
    })

    for (const code of ['23514', '23505', '40P01', '57014']) {
      test(`an append failing with ${code} fails the write with that error, keeps nothing, and the connection goes on`, async () => {
        const before = await sequences()
        const userName = `fail-${code}-${before.length}@pipelined.test`
        await assert.rejects(create(userName), (error: { code?: string; message?: string }) => {
          assert.equal(error.code, code, `the append's own error, got ${String(error.message)}`)
          assert.ok(!(error instanceof ScimError), 'not turned into a SCIM error of the user row')
          assert.equal(isDatabaseUnavailable(error), code === '40P01', 'a deadlock asks the client to retry; the rest do not')
          return true
        })
        assert.equal(await stored(userName), false, 'the user row rolled back with its event')
        assert.deepEqual(await sequences(), before, 'no event')
        // The same (only) connection takes the next write whole, with the next sequence.
        await create(`ok-${code}@pipelined.test`)
        assert.equal(await stored(`ok-${code}@pipelined.test`), true)
        assert.deepEqual(await sequences(), [...before, before.length + 1])
      })
    }

    test("a domain error thrown after the append is the error the caller gets, and nothing of the write stays", async () => {
      const before = await sequences()
      const user = buildUser(orgId, { userName: 'doomed@pipelined.test' })
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertUser(user)
          await appendEvents(tx, systemClock, orgId, [{ type: 'member.created', data: { userName: 'doomed' } }])
          throw new DomainError('conflict', 'refused after the append')
        }),
        (error) => error instanceof DomainError && error.message === 'refused after the append',
      )
      // Even when the append failed too: the domain's error wins, and the connection goes on.
      await assert.rejects(
        store.transaction(async (tx) => {
          await appendEvents(tx, systemClock, orgId, [{ type: 'member.created', data: { userName: 'fail-23514-x' } }])
          throw new DomainError('invalid', 'refused after a failed append')
        }),
        (error) => error instanceof DomainError && error.message === 'refused after a failed append',
      )
      assert.equal(await stored('doomed@pipelined.test'), false)
      assert.deepEqual(await sequences(), before)
      await create('after-domain-error@pipelined.test')
      assert.deepEqual(await sequences(), [...before, before.length + 1])
    })

    test('a duplicate userName is still SCIM 409 uniqueness (the first statement after the pipelined BEGIN)', async () => {
      await create('twice@pipelined.test')
      await assert.rejects(create('TWICE@pipelined.test'), (error) => error instanceof ScimError && error.scimType === 'uniqueness')
    })

    test('a writer killed while its append waits for the counters (COMMIT already sent) commits nothing', async () => {
      const before = await sequences()
      const holder = new pg.Client({ connectionString: opened.databaseUrl })
      await holder.connect()
      try {
        // Another instance's write holds the platform counter's row lock.
        await holder.query('begin')
        await holder.query(`select last_seq from event_streams where stream = '*' for update`)
        const write = create('killed@pipelined.test')
        write.catch(() => {})
        let pid: number | undefined
        for (let i = 0; i < 200 && pid === undefined; i++) {
          const { rows } = await holder.query<{ pid: number }>(
            `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
          )
          pid = rows[0]?.pid
          if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25))
        }
        assert.ok(pid !== undefined, 'the writer waits for the lock')
        await holder.query('select pg_terminate_backend($1)', [pid])
        await assert.rejects(write, (error) => isDatabaseUnavailable(error))
        await holder.query('rollback')
      } finally {
        await holder.end()
      }
      assert.equal(await stored('killed@pipelined.test'), false)
      assert.deepEqual(await sequences(), before)
      // The pool replaces the dead connection.
      await create('after-kill@pipelined.test')
      assert.deepEqual(await sequences(), [...before, before.length + 1])
    })
  })
}
