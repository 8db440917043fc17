import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { GroupCommitter, MAX_GROUP } from '../../src/store/sqlite/group-commit.js'
import { sqliteDialect } from '../../src/store/sqlite/dialect.js'

/**
 * SQLite's group commit (sqlite/group-commit.ts): transactions that queue up together share one COMMIT, and each
 * caller still sees exactly what a transaction of its own would give.
 */
describe('sqlite group commit', () => {
  let dir: string
  let db: Kysely<Database>
  let committer: GroupCommitter<Kysely<Database>>
  const commits = { count: 0 }

  const rows = async (table: string): Promise<number[]> =>
    (await sql<{ x: number }>`select x from ${sql.table(table)} order by x`.execute(db)).rows.map((row) => Number(row.x))

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-group-commit-'))
    db = sqliteDialect.open(join(dir, 'test.db'), {})
    await sql`create table items (x integer primary key)`.execute(db)
    await sql`create table parents (id integer primary key)`.execute(db)
    await sql`create table children (x integer primary key, parent integer references parents (id) deferrable initially deferred)`.execute(db)
    committer = new GroupCommitter(db, (connection) => {
      commits.count++
      return connection
    })
  })
  after(async () => {
    await db.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  it('runs transactions that arrive together in groups of at most MAX_GROUP, and each caller gets its own result', async () => {
    commits.count = 0
    const n = MAX_GROUP * 2 + 3
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        committer.run(async (tx) => {
          await sql`insert into items (x) values (${i})`.execute(tx)
          return `result ${i}`
        }),
      ),
    )
    assert.deepEqual(results, Array.from({ length: n }, (_, i) => `result ${i}`))
    assert.deepEqual(await rows('items'), Array.from({ length: n }, (_, i) => i))
    assert.equal(commits.count, 3, `${n} transactions in ${commits.count} groups`)
  })

  it('undoes a failing transaction alone: the others of its group commit, and its caller gets its own error', async () => {
    await sql`delete from items`.execute(db)
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((x) =>
        committer.run(async (tx) => {
          await sql`insert into items (x) values (${x * 10})`.execute(tx)
          if (x === 2) await sql`insert into items (x) values (${x * 10 + 1})`.execute(tx)
          if (x === 2) throw new Error('refused by the domain')
          // A statement error: the first insert of this work must be undone with it.
          if (x === 3) await sql`insert into items (x) values (${10})`.execute(tx)
          return x
        }),
      ),
    )
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String((outcome.reason as Error).message).slice(0, 22))),
      [1, 'refused by the domain', 'UNIQUE constraint faile', 4].map((v) => (typeof v === 'string' ? v.slice(0, 22) : v)),
    )
    assert.deepEqual(await rows('items'), [10, 40])
  })

  it('a work that throws synchronously, or throws a non-Error, is undone alone: the rest of its group commits', async () => {
    await sql`delete from items`.execute(db)
    const outcomes = await Promise.allSettled([
      committer.run(async (tx) => sql`insert into items (x) values (1)`.execute(tx)),
      // Not an async function: it throws before it returns a promise.
      committer.run((): Promise<unknown> => {
        throw new Error('thrown synchronously')
      }),
      committer.run(async (tx) => {
        await sql`insert into items (x) values (2)`.execute(tx)
        throw 'a string, not an Error' // eslint-disable-line no-throw-literal
      }),
      committer.run(async (tx) => sql`insert into items (x) values (3)`.execute(tx)),
    ])
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? 'ok' : String(outcome.reason instanceof Error ? outcome.reason.message : outcome.reason))),
      ['ok', 'thrown synchronously', 'a string, not an Error', 'ok'],
    )
    assert.deepEqual(await rows('items'), [1, 3])
  })

  it('a commit that fails fails every transaction of its group, and keeps none of them', async () => {
    await sql`delete from items`.execute(db)
    // An orphan row passes its statement (the foreign key is deferred) and fails the COMMIT.
    const outcomes = await Promise.allSettled([
      committer.run(async (tx) => sql`insert into items (x) values (1)`.execute(tx)),
      committer.run(async (tx) => sql`insert into children (x, parent) values (1, 999)`.execute(tx)),
      committer.run(async (tx) => sql`insert into items (x) values (2)`.execute(tx)),
    ])
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['rejected', 'rejected', 'rejected'])
    assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /FOREIGN KEY/)
    assert.deepEqual(await rows('items'), [])
    assert.deepEqual(await rows('children'), [])
    // The connection is usable afterwards.
    assert.equal(await committer.run(async (tx) => (await sql<{ one: number }>`select 1 as one`.execute(tx)).rows[0]?.one), 1)
  })

  it('a transaction alone rolls back on its error; one that starts from a settled one runs in a later group', async () => {
    await sql`delete from items`.execute(db)
    await assert.rejects(
      committer.run(async (tx) => {
        await sql`insert into items (x) values (5)`.execute(tx)
        throw new Error('no')
      }),
      /no/,
    )
    const chained = await committer.run(async (tx) => {
      await sql`insert into items (x) values (6)`.execute(tx)
      return 'first'
    }).then(() => committer.run(async (tx) => (await sql<{ n: number }>`select count(*) as n from items`.execute(tx)).rows[0]?.n))
    assert.equal(Number(chained), 1)
    assert.deepEqual(await rows('items'), [6])
  })
})
