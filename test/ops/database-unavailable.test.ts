import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { registerHealthRoute } from '../../src/http/health-route.js'
import { isDatabaseUnavailable } from '../../src/lib/database-unavailable.js'
import { createTestApp } from '../helpers/build-test-app.js'

describe('when the database cannot serve', () => {
  test('driver errors that mean "unavailable" are told apart from bugs', () => {
    for (const error of [
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }) }),
    ]) {
      assert.equal(isDatabaseUnavailable(error), true, String(error))
    }
    for (const error of [new TypeError('x is undefined'), Object.assign(new Error('duplicate'), { code: '23505' }), 'text', null]) {
      assert.equal(isDatabaseUnavailable(error), false, String(error))
    }
  })

  test('a write blocked by another process holding SQLite\'s write lock gets 503 with Retry-After, not 500', async () => {
    const roster = await createTestApp('sqlite', { env: {} })
    const path = roster.config.databaseUrl.slice('sqlite:'.length)
    const other = new Database(path)
    other.pragma('busy_timeout = 0')
    other.exec('begin immediate')
    try {
      const response = await roster.app.inject({
        method: 'POST',
        url: '/org/scim/v2/Users',
        headers: { authorization: `Bearer ${roster.token}`, 'content-type': 'application/scim+json' },
        payload: { userName: 'blocked@contoso.test' },
      })
      assert.equal(response.statusCode, 503, response.body)
      assert.equal(response.headers['retry-after'], '5')
      assert.match(response.json().detail, /database is unavailable/)
    } finally {
      other.exec('rollback')
      other.close()
      await roster.close()
    }
  })

  test('/healthz answers 503 within seconds when the database accepts but never answers', async () => {
    const app = Fastify({ logger: false })
    registerHealthRoute(app, { ping: () => new Promise<void>(() => {}) })
    const started = Date.now()
    const response = await app.inject({ method: 'GET', url: '/healthz' })
    assert.equal(response.statusCode, 503)
    assert.ok(Date.now() - started < 10_000)
    await app.close()
  })
})
