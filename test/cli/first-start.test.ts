import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { freePort, startServer, type ServerProcess } from './cli-process.js'

/** The Test Connection probe (field guide §1.2) against a real listening Roster. */
async function probe(tenantUrl: string, token: string): Promise<number> {
  const response = await fetch(`${tenantUrl}/Users?filter=userName+eq+%22${randomUUID()}%22`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  })
  await response.arrayBuffer()
  return response.status
}

// Issue 2 §4: `npm start` on an empty database creates a default organization and a token and prints, once, the
// Tenant URL and Secret Token in the seed document's words; later starts print the Tenant URL only.
describe('first start of src/main.ts on an empty SQLite database', () => {
  const running: ServerProcess[] = []
  let dir: string | undefined
  after(async () => {
    await Promise.all(running.map((server) => server.stop()))
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('prints the Tenant URL and a working Secret Token once, then only the Tenant URL', async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-first-start-'))
    const databaseUrl = `sqlite:${join(dir, 'r.db')}`

    // 1. First start: banner with both values, in the words of the seed document.
    const port = await freePort()
    const first = startServer({ DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port) })
    running.push(first)
    const banner = await first.waitForOutput(/Secret Token:\s+\S+[\s\S]*Test Connection/)
    const tenantUrl = /Tenant URL:\s+(\S+)/.exec(banner)?.[1]
    const token = /Secret Token:\s+(\S+)/.exec(banner)?.[1]
    assert.equal(tenantUrl, `http://127.0.0.1:${port}/org/scim/v2`)
    assert.match(token ?? '', /^scimtok_/)
    assert.equal(banner.split(token!).length - 1, 1, 'the secret is printed exactly once')
    assert.equal(await probe(tenantUrl!, token!), 200)
    assert.equal(await probe(tenantUrl!, `${token!}x`), 401)
    assert.equal(await first.stop(), 0, 'SIGTERM shuts down cleanly')
    // Clean means the database is one file again: the last connection checkpointed the WAL into it and deleted it.
    assert.equal(existsSync(join(dir, 'r.db-wal')), false, 'SIGTERM left the WAL behind, holding the last commits')

    // 2. Second start on the same database, behind a TLS proxy: the Tenant URL only, from PUBLIC_URL.
    const secondPort = await freePort()
    const second = startServer({ DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(secondPort), PUBLIC_URL: 'https://roster.example.com/' })
    running.push(second)
    const output = await second.waitForOutput(/Tenant URL/)
    assert.match(output, /Tenant URL:?\s+https:\/\/roster\.example\.com\/org\/scim\/v2\b/)
    assert.doesNotMatch(output, /Secret Token|scimtok_/)
    // The first token still works: the default organization was not created twice.
    assert.equal(await probe(`http://127.0.0.1:${secondPort}/org/scim/v2`, token!), 200)
    assert.equal(await second.stop(), 0)
  })
})
