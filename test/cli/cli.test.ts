import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { CORE_USER_SCHEMA, entraCreateBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { assertCliError, jsonOutput, runCli, runProcess, type ProcessResult } from './cli-process.js'

const sortedKeys = (value: object) => Object.keys(value).sort()

interface TokenSummary {
  id: string
  active: boolean
  revokedAt: string | null
  [field: string]: unknown
}

interface Member {
  id: string
  userName: string
  displayName: string | null
  email: string | null
  role: string
  active: boolean
  directoryRole: string | null
  status: string
  source: string
  lastProvisionedAt: string | null
}

/** Three members as Entra provisions them: a plain one, a disabled ML_ADMIN, and one with nothing but a userName. */
async function provisionMembers(entra: ScimClient) {
  const plain = await entra.createUser(entraCreateBody(uniqueUserName('plain'), { displayName: 'Plain Member' }))
  const admin = await entra.createUser(entraCreateBody(uniqueUserName('admin'), { modernloopRole: 'ML_ADMIN' }))
  const bare = await entra.createUser({ schemas: [CORE_USER_SCHEMA], userName: uniqueUserName('bare') })
  await entra.patchUserOk(admin.id, { op: 'Replace', path: 'active', value: 'False' })
  return { plain, admin, bare }
}

// Each CLI run is a process of its own (about a second of CPU): the engines and the tests run concurrently.
describe('the CLI contract (issue 2 §5)', { concurrency: true }, () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}: the CLI contract`, { concurrency: true }, () => {
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

      test('org create, scim-token create/list/revoke and member list work exactly as documented', async () => {
        // 1. An organization.
        const org = jsonOutput<{ id: string; name: string }>(await cli('org', 'create', '--name', 'Acme Corp', '--json'), 'org create')
        assert.deepEqual(sortedKeys(org), ['id', 'name'])
        assert.equal(org.name, 'Acme Corp')
        assert.match(org.id, /^org_/)

        // 2. Two tokens at once, the most an organization holds; each works against the SCIM surface.
        const [first, second] = (await Promise.all([cli('scim-token', 'create', '--org', org.id, '--json'), cli('scim-token', 'create', '--org', org.id, '--json')]))
          .map((result) => jsonOutput<{ id: string; token: string }>(result, 'scim-token create'))
        for (const issued of [first!, second!]) {
          assert.deepEqual(sortedKeys(issued), ['id', 'token'])
          assert.match(issued.id, /^tok_/)
          assert.match(issued.token, /^scimtok_/)
          assert.equal((await new ScimClient(app, issued.token).get('/Users?filter=userName+eq+%22probe%22')).statusCode, 200)
        }

        // 3. While Entra provisions with the second token, a third active token is refused; the list shows both, never a secret.
        const provisioning = provisionMembers(new ScimClient(app, second!.token))
        const [third, listed] = await Promise.all([cli('scim-token', 'create', '--org', org.id, '--json'), cli('scim-token', 'list', '--org', org.id, '--json')])
        assertCliError(third, 'third scim-token create', /active SCIM tokens|revoke/i)
        const tokens = jsonOutput<TokenSummary[]>(listed, 'scim-token list')
        assert.deepEqual(tokens.map((t) => t.id).sort(), [first!.id, second!.id].sort())
        assert.ok(tokens.every((t) => t.active === true && t.revokedAt === null))
        assert.ok(!listed.stdout.includes(first!.token.split('.')[1]!) && !/secret|hash/i.test(listed.stdout), 'no secret in the list')
        const { plain, admin, bare } = await provisioning

        // 4. Revoking the first: it gets 401 at once and the second keeps working.
        const revoked = await cli('scim-token', 'revoke', '--org', org.id, '--id', first!.id)
        assert.equal(revoked.code, 0, revoked.stderr)
        assert.equal((await new ScimClient(app, first!.token).get('/Users')).statusCode, 401)
        assert.equal((await new ScimClient(app, second!.token).get('/Users')).statusCode, 200)

        // 5. The list marks the revoked token, and the members are what Entra provisioned, in the documented shape.
        const [afterRevoke, memberList] = await Promise.all([cli('scim-token', 'list', '--org', org.id, '--json'), cli('member', 'list', '--org', org.id, '--json')])
        const revokedRow = jsonOutput<TokenSummary[]>(afterRevoke, 'scim-token list').find((t) => t.id === first!.id)
        assert.equal(revokedRow?.active, false)
        assert.ok(revokedRow?.revokedAt)
        const members = jsonOutput<Member[]>(memberList, 'member list')
        assert.equal(members.length, 3)
        // Issue 2's fields, then issue 6's (directoryRole, status, source, lastProvisionedAt).
        for (const member of members) {
          assert.deepEqual(sortedKeys(member), ['active', 'directoryRole', 'displayName', 'email', 'id', 'lastProvisionedAt', 'role', 'source', 'status', 'userName'])
          assert.match(String(member.lastProvisionedAt), /^\d{4}-\d{2}-\d{2}T/)
        }
        const byId = new Map(members.map(({ lastProvisionedAt: _at, ...m }) => [m.id, m]))
        const scim = { source: 'scim' }
        assert.deepEqual(byId.get(plain.id), { id: plain.id, userName: plain.userName, displayName: 'Plain Member', email: plain.emails?.[0]?.value, role: 'INTERVIEWER', active: true, directoryRole: null, status: 'active', ...scim })
        assert.deepEqual(byId.get(admin.id), { id: admin.id, userName: admin.userName, displayName: null, email: admin.emails?.[0]?.value, role: 'ADMIN', active: false, directoryRole: 'ADMIN', status: 'deactivated', ...scim })
        assert.deepEqual(byId.get(bare.id), { id: bare.id, userName: bare.userName, displayName: null, email: null, role: 'INTERVIEWER', active: true, directoryRole: null, status: 'active', ...scim })
      })

      test('an organization without members lists [] and one without tokens lists []', async () => {
        const org = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Empty Org', '--json'), 'org create')
        const [members, tokens] = await Promise.all([cli('member', 'list', '--org', org.id, '--json'), cli('scim-token', 'list', '--org', org.id, '--json')])
        assert.deepEqual(jsonOutput(members, 'member list'), [])
        assert.deepEqual(jsonOutput(tokens, 'scim-token list'), [])
      })

      // What follows does not depend on the database engine.
      if (dialect === 'sqlite') {
        test('npm run --silent cli -- org create --name N --json prints exactly one JSON document', async () => {
          const result = await runProcess('npm', ['run', '--silent', 'cli', '--', 'org', 'create', '--name', 'Via npm', '--json'], { DATABASE_URL: database.databaseUrl })
          const org = jsonOutput<{ id: string; name: string }>(result, 'npm run --silent cli -- org create')
          assert.deepEqual(sortedKeys(org), ['id', 'name'])
          assert.equal(org.name, 'Via npm')
        })
      }
    })
  }
})
