import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import type { ImmediateWriter } from '../../src/store/engine-dialect.js'
import { sqliteDialect } from '../../src/store/sqlite/dialect.js'

/**
 * SQLite's immediate writer (sqlite/statement-cache.ts), which the provisioning log's batches take: statements run at
 * once in a transaction of their own, never inside a transaction Kysely holds open, and all of them or none.
 */
describe('sqlite immediate writer', () => {
  let dir: string
  let db: Kysely<Database>
  let writeNow: ImmediateWriter

  const rows = async (): Promise<number[]> => (await sql<{ x: number }>`select x from items order by x`.execute(db)).rows.map((row) => Number(row.x))
  const insert = (...values: number[]) => ({ sql: `insert into items (x) values ${values.map(() => '(?)').join(', ')}`, parameters: values })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-immediate-writer-'))
    db = sqliteDialect.open(join(dir, 'test.db'), {})
    await sql`create table items (x integer primary key)`.execute(db)
    writeNow = sqliteDialect.immediateWriter!(db)!
  })
  after(async () => {
    await db.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  it('runs the statements at once, in one transaction, when the connection is free', async () => {
    assert.equal(writeNow([insert(1, 2), insert(3)]), true)
    assert.deepEqual(await rows(), [1, 2, 3])
  })

  it('runs nothing while a Kysely transaction holds the connection, so that it never joins (or commits) one', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let attempted: boolean | undefined
    const transaction = db.transaction().execute(async (tx) => {
      await sql`insert into items (x) values (10)`.execute(tx)
      await held
      throw new Error('rolled back')
    })
    await new Promise((resolve) => setImmediate(resolve))
    attempted = writeNow([insert(11)])
    release()
    await assert.rejects(transaction, /rolled back/)
    assert.equal(attempted, false)
    assert.deepEqual(await rows(), [1, 2, 3], "neither the transaction's row nor the refused one")
    assert.equal(writeNow([insert(11)]), true)
    assert.deepEqual(await rows(), [1, 2, 3, 11])
  })

  it('undoes every statement when one fails, and leaves the connection usable', async () => {
    assert.throws(() => writeNow([insert(20, 21), insert(22), insert(1)]), /UNIQUE constraint failed/)
    assert.deepEqual(await rows(), [1, 2, 3, 11])
    assert.equal(writeNow([insert(20)]), true)
    assert.deepEqual(await rows(), [1, 2, 3, 11, 20])
  })
})
