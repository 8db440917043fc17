import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openStore, parseDatabaseUrl } from '../../src/store/open-store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createOrganization, createUser } from './store-fixtures.js'

describe('DATABASE_URL parsing', () => {
  it('reads sqlite: paths, sqlite::memory: and postgres URLs', () => {
    assert.deepEqual(pick(parseDatabaseUrl('sqlite:./data/roster.db')), { engine: 'sqlite', location: './data/roster.db' })
    assert.deepEqual(pick(parseDatabaseUrl('sqlite:///var/lib/roster.db')), { engine: 'sqlite', location: '/var/lib/roster.db' })
    assert.deepEqual(pick(parseDatabaseUrl('sqlite::memory:')), { engine: 'sqlite', location: ':memory:' })
    assert.deepEqual(pick(parseDatabaseUrl('postgres://u@h/db')), { engine: 'postgres', location: 'postgres://u@h/db' })
    assert.deepEqual(pick(parseDatabaseUrl('postgresql://u@h/db')), { engine: 'postgres', location: 'postgresql://u@h/db' })
  })

  it('refuses other schemes and an empty sqlite path with a message naming the accepted forms', () => {
    assert.throws(() => parseDatabaseUrl('mysql://h/db'), /must start with sqlite: or postgres:\/\//)
    assert.throws(() => parseDatabaseUrl('sqlite:'), /needs a file path/)
  })
})

describe('opening a SQLite store', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-open-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('creates the parent folder and keeps data across reopening (migrations run once)', async () => {
    const url = `sqlite:${join(dir, 'nested', 'deeper', 'roster.db')}`
    const first = await openStore(url)
    const orgId = await createOrganization(first)
    await first.close()
    assert.ok((await stat(join(dir, 'nested', 'deeper'))).isDirectory())
    const second = await openStore(url)
    assert.equal((await second.findOrganization(orgId))?.name, 'Acme')
    await second.close()
  })

  it('works in memory', async () => {
    const store = await openStore('sqlite::memory:')
    const orgId = await createOrganization(store)
    await createUser(store, orgId, { userName: 'in-memory' })
    assert.equal((await store.listUsers(orgId, { startIndex: 1, count: 10 })).totalResults, 1)
    await store.close()
  })
})

for (const dialect of DIALECTS) {
  describe(`reopening a migrated database (${dialect})`, () => {
    it('opens a second store on the same database and sees the first one’s writes', async () => {
      const { store, databaseUrl, close } = await openTestStore(dialect)
      try {
        const orgId = await createOrganization(store)
        const again = await openStore(databaseUrl)
        assert.ok(await again.findOrganization(orgId))
        await again.ping()
        await again.close()
      } finally {
        await close()
      }
    })
  })
}

function pick(parsed: ReturnType<typeof parseDatabaseUrl>): { engine: string; location: string } {
  return { engine: parsed.dialect.engine, location: parsed.location }
}
