import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { systemClock } from '../../src/lib/clock.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

const REQUEST_TIMEOUT_MS = 1500
const HEADERS_TIMEOUT_MS = 1000

/** A raw connection: what was received and when the server closed it. */
function rawConnection(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (data += chunk))
    const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now())))
    socket.once('error', () => {})
    socket.once('connect', () => resolve({ socket, received: () => data, closed }))
    socket.once('error', reject)
  })
}

/** The JSON body of a raw HTTP response. */
const bodyOf = (raw: string): any => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))

for (const dialect of DIALECTS) {
  describe(`slow clients are cut off and errors before routing are SCIM errors (${dialect})`, () => {
    let app: FastifyInstance
    let port: number
    let token: string
    let close: () => Promise<void>
    const logLines: any[] = []

    before(async () => {
      const database = await openTestStore(dialect)
      const config = loadConfig({
        DATABASE_URL: database.databaseUrl,
        PORT: '0',
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      })
      const stream = new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line))
          done()
        },
      })
      app = await buildApp({ config, store: database.store, logger: { level: 'info', stream } })
      const orgs = new Organizations(database.store, systemClock)
      const org = await orgs.create('Acme')
      token = (await new ScimTokens(database.store, systemClock).issue(org.id)).token
      await app.listen({ host: '127.0.0.1', port: 0 })
      port = (app.server.address() as { port: number }).port
      close = async () => {
        await app.close()
        await database.close()
      }
    })
    after(() => close())

    const served = async (): Promise<number> => {
      const started = performance.now()
      const response = await fetch(`http://127.0.0.1:${port}/org/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } })
      assert.equal(response.status, 200)
      await response.arrayBuffer()
      return performance.now() - started
    }

    test('a client that sends headers and then stops is answered 408 (SCIM error) and closed within the timeout, while others are served', async () => {
      const stalled = await rawConnection(port)
      const started = performance.now()
      stalled.socket.write(`POST /org/scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{"userName":`)
      // Other clients are served normally meanwhile.
      for (let i = 0; i < 5; i++) assert.ok((await served()) < 2000)
      const closedAt = await stalled.closed
      const elapsed = closedAt - started
      // The deadline plus Node's one-second check interval, with margin for a loaded machine.
      assert.ok(elapsed >= REQUEST_TIMEOUT_MS - 100 && elapsed < REQUEST_TIMEOUT_MS + 2500, `closed after ${elapsed.toFixed(0)} ms`)
      assert.match(stalled.received(), /^HTTP\/1\.1 408/)
      assert.equal(bodyOf(stalled.received()).schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error')
    })

    test('a client that never finishes its headers is closed too', async () => {
      const stalled = await rawConnection(port)
      const started = performance.now()
      stalled.socket.write('GET /org/scim/v2/Users HTTP/1.1\r\nHost: x\r\n')
      const elapsed = (await stalled.closed) - started
      assert.ok(elapsed < REQUEST_TIMEOUT_MS + 2500, `closed after ${elapsed.toFixed(0)} ms`)
    })

    test('an unauthenticated request is answered 401 and its connection closed, even while its body trickles', async () => {
      const trickler = await rawConnection(port)
      trickler.socket.write('POST /org/scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nContent-Type: application/scim+json\r\nContent-Length: 100000\r\n\r\n{')
      const started = performance.now()
      const closedAt = await trickler.closed
      assert.match(trickler.received(), /^HTTP\/1\.1 401/)
      assert.match(trickler.received(), /connection: close/i)
      assert.ok(closedAt - started < 2000, `closed after ${(closedAt - started).toFixed(0)} ms`)
    })

    test('headers too large (431) and malformed request lines (400) under /org/scim/v2 get SCIM error bodies', async () => {
      const big = await rawConnection(port)
      big.socket.write(`GET /org/scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
      await big.closed
      assert.match(big.received(), /^HTTP\/1\.1 431/)
      assert.equal(bodyOf(big.received()).status, '431')
      assert.equal(bodyOf(big.received()).schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error')

      const broken = await rawConnection(port)
      broken.socket.write('GET /org/scim/v2/Users HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
      await broken.closed
      assert.match(broken.received(), /^HTTP\/1\.1 400/)
      assert.equal(bodyOf(broken.received()).schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error')

      const badLine = await rawConnection(port)
      badLine.socket.write('GET /org/scim/v2/Users HTTX/1.1\r\nHost: x\r\n\r\n')
      await badLine.closed
      assert.match(badLine.received(), /^HTTP\/1\.1 400/)
      assert.match(bodyOf(badLine.received()).detail, /not valid HTTP/)

      const elsewhere = await rawConnection(port)
      elsewhere.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
      await elsewhere.closed
      assert.match(elsewhere.received(), /^HTTP\/1\.1 400/)
      assert.equal(bodyOf(elsewhere.received()).schemas, undefined)
    })

    test('a body cut off mid-way gets no 500 and leaves the server serving', async () => {
      const cut = await rawConnection(port)
      cut.socket.write(`POST /org/scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: 200\r\n\r\n{"userName":"cut`)
      cut.socket.end()
      await cut.closed
      assert.doesNotMatch(cut.received(), /^HTTP\/1\.1 5/)
      assert.ok((await served()) < 2000)
    })

    test('expected refusals (501 /Bulk, 4xx) are not logged at error level; only bugs are', async () => {
      await fetch(`http://127.0.0.1:${port}/org/scim/v2/Bulk`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
      await fetch(`http://127.0.0.1:${port}/org/scim/v2/Users/nope`, { headers: { authorization: `Bearer ${token}` } })
      await fetch(`http://127.0.0.1:${port}/org/scim/v2/Users`, { headers: { authorization: 'Bearer wrong' } })
      const refused = logLines.filter((line) => line.msg === 'SCIM request refused')
      assert.ok(refused.some((line) => line.status === 501))
      assert.ok(refused.some((line) => line.status === 404))
      assert.deepEqual(logLines.filter((line) => line.level >= 50), [])
    })
  })
}
