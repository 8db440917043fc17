import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { entraCreateBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { assertCliError, jsonOutput, runCli, type ProcessResult } from './cli-process.js'

interface LinkOutput {
  url: string
  expiresAt: string
  memberId: string
  addedMember: boolean
}

/** Issue 8 §1: `admin login-link` prints a one-time console link; a new email becomes a manual ADMIN member first. */
describe('admin login-link', { concurrency: true }, () => {
  for (const dialect of DIALECTS) {
    describe(dialect, { concurrency: true }, () => {
      let database: Awaited<ReturnType<typeof openTestStore>>
      let app: FastifyInstance
      let cli: (...args: string[]) => Promise<ProcessResult>
      before(async () => {
        database = await openTestStore(dialect)
        app = await buildApp({ config: loadConfig({ DATABASE_URL: database.databaseUrl }), store: database.store, logger: false })
        cli = (...args) => runCli(database.databaseUrl, args)
      })
      after(async () => {
        await app.close()
        await database.close()
      })

      test('adds an unknown email as a manual ADMIN, says so, and prints a link that signs in once', async () => {
        const org = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Acme', '--json'), 'org create')
        const text = await cli('admin', 'login-link', '--org', org.id, '--email', 'ada@acme.test')
        assert.equal(text.code, 0, text.stderr)
        assert.match(text.stdout, /ada@acme\.test was added as a manual ADMIN member/)
        assert.match(text.stdout, /15 minutes/)
        const url = /(http:\/\/\S+\/sign-in\/link#login_\S+)/.exec(text.stdout)?.[1]
        assert.ok(url, text.stdout)

        const again = jsonOutput<LinkOutput>(await cli('admin', 'login-link', '--org', org.id, '--email', 'ADA@acme.test', '--json'), 'admin login-link')
        assert.equal(again.addedMember, false, 'the same admin is found again, case-insensitively')
        assert.ok(Date.parse(again.expiresAt) - Date.now() > 14 * 60_000)
        const members = jsonOutput<{ id: string; role: string; active: boolean }[]>(await cli('member', 'list', '--org', org.id, '--json'), 'member list')
        assert.deepEqual(members.map((m) => [m.id, m.role, m.active]), [[again.memberId, 'ADMIN', true]])

        const token = url!.split('#')[1]!
        const signIn = () => app.inject({ method: 'POST', url: '/console/sign-in/link', payload: { token } })
        assert.equal((await signIn()).statusCode, 200)
        assert.equal((await signIn()).statusCode, 401)
      })

      test('refuses a member who is not an active ADMIN, saying what to change', async () => {
        const org = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Beta', '--json'), 'org create')
        const token = jsonOutput<{ token: string }>(await cli('scim-token', 'create', '--org', org.id, '--json'), 'scim-token create').token
        const interviewer = await new ScimClient(app, token).createUser(entraCreateBody(uniqueUserName('ivy'), {}))
        assertCliError(await cli('admin', 'login-link', '--org', org.id, '--email', interviewer.userName), 'login-link for an interviewer', /role INTERVIEWER.*ADMIN/)
        assertCliError(await cli('admin', 'login-link', '--org', 'org_nope', '--email', 'x@y.test'), 'unknown organization', /No organization has the id/)
      })
    })
  }
})
