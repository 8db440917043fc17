import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { ProvisioningLog } from '../../src/provisioning/provisioning-log.js'
import { freePort, startServer } from '../cli/cli-process.js'
import { entraCreateBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp } from '../helpers/build-test-app.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { flushLog } from './log-helpers.js'
import { rawLogRows } from './raw-log-rows.js'

for (const dialect of DIALECTS) {
  describe(`${dialect}: the provisioning log's lifecycle`, () => {
    let database: Awaited<ReturnType<typeof openTestStore>>
    before(async () => {
      database = await openTestStore(dialect)
    })
    after(() => database.close())

    test('a clean shutdown (SIGTERM) writes the entries still queued', async () => {
      const org = await new Organizations(database.store, systemClock).create('Shutdown')
      const { token } = await new ScimTokens(database.store, systemClock).issue(org.id)
      const port = await freePort()
      // A flush interval far longer than the test: only the shutdown can have written the entry.
      const server = startServer({ DATABASE_URL: database.databaseUrl, PORT: String(port), PROVISIONING_LOG_FLUSH_MS: '60000' })
      try {
        await server.waitForOutput(/Roster is running/)
        const userName = uniqueUserName('shutdown')
        const response = await fetch(`http://127.0.0.1:${port}/org/scim/v2/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify(entraCreateBody(userName)),
        })
        assert.equal(response.status, 201)
        assert.equal((await new ProvisioningLog(database.store, systemClock).queryLog(org.id)).entries.length, 0, 'not written yet')
      } finally {
        assert.equal(await server.stop(), 0)
      }
      const entries = (await new ProvisioningLog(database.store, systemClock).queryLog(org.id)).entries
      assert.equal(entries.length, 1)
      assert.equal(entries[0]!.operation, 'create')
    })

    test('PROVISIONING_LOG=off records nothing, and operations are still counted', async () => {
      const t = await createTestApp(dialect, { env: { PROVISIONING_LOG: 'off' } })
      try {
        assert.equal(t.app.provisioningLog.writer, undefined)
        const entra = new ScimClient(t.app, t.token)
        const user = await entra.createUser(entraCreateBody(uniqueUserName('off')))
        await entra.patchUserOk(user.id as string, { op: 'Replace', path: 'active', value: 'False' })
        await flushLog(t.app)
        assert.deepEqual(await rawLogRows(t.config.databaseUrl), [])
        const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
        assert.match(metrics, /roster_provisioning_operations_total\{kind="create"\} 1/)
        assert.match(metrics, /roster_provisioning_operations_total\{kind="deactivate"\} 1/)
      } finally {
        await t.close()
      }
    })
  })
}
