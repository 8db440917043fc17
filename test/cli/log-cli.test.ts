import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { LogPage } from '../../src/provisioning/types.js'
import { entraCreateBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { flushLog } from '../provisioning/log-helpers.js'
import { assertCliError, jsonOutput, runCli, type ProcessResult } from './cli-process.js'

// Sequential, unlike cli.test.ts: each CLI run is a process of its own, and on a shared machine ten at once time out.
describe('log list (issue 6 §6)', () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}: log list`, () => {
      let database: Awaited<ReturnType<typeof openTestStore>>
      let app: FastifyInstance
      let cli: (...args: string[]) => Promise<ProcessResult>
      let orgId: string
      let userId: string
      let userName: string
      let started: string

      before(async () => {
        database = await openTestStore(dialect)
        app = await buildApp({ config: loadConfig({ DATABASE_URL: database.databaseUrl }), store: database.store, logger: false })
        cli = (...args) => runCli(database.databaseUrl, args)
        orgId = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Logged', '--json'), 'org create').id
        const token = jsonOutput<{ token: string }>(await cli('scim-token', 'create', '--org', orgId, '--json'), 'scim-token create').token
        const entra = new ScimClient(app, token)
        started = new Date().toISOString()
        userName = uniqueUserName('cli')
        const user = await entra.createUser(entraCreateBody(userName))
        userId = user.id as string
        await entra.patchUserOk(userId, { op: 'Replace', path: 'active', value: 'False' })
        assert.equal((await entra.send('POST', '/Users', entraCreateBody(userName))).statusCode, 409)
        await flushLog(app)
      })
      after(async () => {
        await app.close()
        await database.close()
      })

      test('--json prints {entries, next}; filters by outcome and resource; pages with --limit and --after', async () => {
        const all = await cli('log', 'list', '--org', orgId, '--since', started, '--json')
        const failures = await cli('log', 'list', '--org', orgId, '--outcome', 'failure', '--json')
        const resource = await cli('log', 'list', '--org', orgId, '--resource', userId, '--json')
        const firstPage = await cli('log', 'list', '--org', orgId, '--limit', '2', '--json')
        const everything = jsonOutput<LogPage>(all, 'log list')
        assert.deepEqual(Object.keys(everything).sort(), ['entries', 'next'])
        assert.equal(everything.next, null)
        // POST, PATCH, the GET that patchUserOk reads back with, the refused POST: newest first.
        assert.deepEqual(everything.entries.map((e) => `${e.method} ${e.status}`), ['POST 409', 'GET 200', 'PATCH 200', 'POST 201'])

        const failed = jsonOutput<LogPage>(failures, 'log list --outcome failure').entries
        assert.equal(failed.length, 1)
        assert.equal(failed[0]!.scimType, 'uniqueness')
        assert.equal(failed[0]!.userName, userName)

        const ofUser = jsonOutput<LogPage>(resource, 'log list --resource').entries
        assert.deepEqual(ofUser.map((e) => e.operation), [null, 'deactivate', 'create'])

        const page1 = jsonOutput<LogPage>(firstPage, 'log list --limit 2')
        assert.equal(page1.entries.length, 2)
        assert.equal(typeof page1.next, 'string')
        const page2 = jsonOutput<LogPage>(await cli('log', 'list', '--org', orgId, '--limit', '2', '--after', page1.next!, '--json'), 'log list --after')
        assert.deepEqual([...page1.entries, ...page2.entries].map((e) => e.id), everything.entries.map((e) => e.id))
        assert.equal(page2.next, null)
      })

      // Validation happens before any query, but the unknown-organization check reads the database: both engines.
      test('bad input exits non-zero with the reason on stderr', async () => {
        assertCliError(await cli('log', 'list', '--org', orgId, '--outcome', 'maybe', '--json'), 'bad outcome', /outcome must be one of success, failure/)
        assertCliError(await cli('log', 'list', '--org', orgId, '--limit', '0', '--json'), 'bad limit', /limit must be a whole number/)
        assertCliError(await cli('log', 'list', '--org', orgId, '--since', 'last tuesday', '--json'), 'bad since', /since must be an ISO-8601 time/)
        assertCliError(await cli('log', 'list', '--org', orgId, '--after', 'xyz', '--json'), 'bad cursor', /cursor/)
        assertCliError(await cli('log', 'list', '--org', 'org_nope', '--json'), 'unknown org', /organization/i)
      })
    })
  }
})
