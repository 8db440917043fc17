import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, describe, test } from 'node:test'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { serverLoggerOptions } from '../../src/http/server-logger.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { systemClock } from '../../src/lib/clock.js'
import { openTestStore } from '../helpers/dialects.js'

/**
 * The server's own log lines never hold a secret, even at LOG_LEVEL=debug (which logs every request's URL): a
 * client that puts a SCIM token or a login link's token in the query string must not leave it in the log.
 */
describe('server log', () => {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const cleanup: (() => Promise<void>)[] = []
  after(async () => {
    for (const close of cleanup.reverse()) await close()
  })

  test('a token in the query string is redacted from the debug request log', async () => {
    const database = await openTestStore('sqlite')
    cleanup.push(() => database.close())
    const config = loadConfig({ DATABASE_URL: database.databaseUrl, PUBLIC_URL: 'https://roster.test', LOG_LEVEL: 'debug' })
    const app = await buildApp({ config, store: database.store, logger: { ...serverLoggerOptions(config), stream } })
    cleanup.push(() => app.close())
    const org = await new Organizations(database.store, systemClock).create('Acme')
    const { token } = await new ScimTokens(database.store, systemClock).issue(org.id)
    const secret = token.split('.')[1]!
    const link = `login_${'a'.repeat(24)}.${'S'.repeat(43)}`

    for (const url of [`/org/scim/v2/Users?access_token=${token}`, `/org/scim/v2/Users?token=${encodeURIComponent(token)}`, `/sign-in/link?t=${link}`]) {
      const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, cookie: `roster_session=${'c'.repeat(24)}.${'K'.repeat(43)}` } })
      assert.ok(response.statusCode < 500, url)
    }
    const text = lines.join('')
    assert.ok(text.includes('incoming request'), 'debug logs every request')
    assert.ok(text.includes('[redacted]'), text)
    for (const needle of [secret, 'S'.repeat(43), 'K'.repeat(43)]) assert.ok(!text.includes(needle), `the log holds ${needle}`)
  })
})
