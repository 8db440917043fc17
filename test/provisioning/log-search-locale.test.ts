import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Clock } from '../../src/lib/clock.js'
import { randomBase32 } from '../../src/lib/ids.js'
import { ProvisioningLog } from '../../src/provisioning/provisioning-log.js'
import { openStore } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, withAdminClient as admin } from '../helpers/dialects.js'
import { createOrganization } from '../store/store-fixtures.js'
import { logEntry } from './log-fixtures.js'

const NOW = Date.parse('2026-06-15T12:00:00.000Z')
const clock: Clock = { now: () => new Date(NOW) }
const PG_URL = process.env.ROSTER_TEST_PG_URL

// The log's text search matches an ASCII path and client with lower() in SQL, and the search text folded in JS
// (toLowerCase for ASCII). PostgreSQL's lower() follows the database's locale: under a Turkish one, I becomes ı, so
// a search for "ivan" missed a path with "IVAN" in it, which the search found before (search_text was folded in JS).
// Registered only where PostgreSQL runs (always under `npm test` and CI, which start it), as the other PostgreSQL-only
// suites are: a SQLite-only local run has no locale to test, and reports nothing rather than a skip.
if (DIALECTS.includes('postgres')) describe('postgres: the log text search does not depend on the database locale', () => {
  const name = `roster_test_tr_${randomBase32(12)}`
  let store: Store

  before(async () => {
    await admin((client) => client.query(`create database ${name} template template0 locale_provider icu icu_locale 'tr-TR' locale 'C'`))
    const url = new URL(PG_URL!)
    url.pathname = `/${name}`
    store = await openStore(url.toString(), { poolSize: 2 })
  })
  after(async () => {
    await store?.close()
    await admin((client) => client.query(`drop database if exists ${name}`))
  })

  test('an ASCII path and client with a capital I are found in a Turkish-locale database', async () => {
    const orgId = await createOrganization(store, 'Locale')
    const at = new Date(NOW - 1_000)
    await store.insertLogEntries([
      logEntry(orgId, at, { method: 'GET', path: '/Users?filter=userName+eq+%22IVAN%40contoso.test%22', client: 'IBM Identity Bridge', userName: null, detail: null }),
    ])
    const log = new ProvisioningLog(store, clock)
    const found = async (text: string) => (await log.queryLog(orgId, { text }, { limit: 10 })).entries.length
    assert.equal(await found('ivan%40'), 1, 'the path')
    assert.equal(await found('IVAN%40'), 1, 'the path, searched in capitals')
    assert.equal(await found('ibm identity'), 1, 'the client')
    assert.equal(await found('ıvan'), 1, 'a dotless ı folds to i, as in the rest of Roster')
  })
})
