import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { systemClock } from '../../src/lib/clock.js'
import { entraCreateBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { assertCliError, jsonOutput, runCli, type ProcessResult } from './cli-process.js'

interface Settings {
  id: string
  name: string
  roleManagement: string
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

const MEMBER_KEYS = ['active', 'directoryRole', 'displayName', 'email', 'id', 'lastProvisionedAt', 'role', 'source', 'status', 'userName']

// Issue 6 item 6, through the real CLI process against the database a running app provisions into.
describe('the CLI for members and roles (issue 6 §6)', () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}: org settings, member add, member set-role, member list`, () => {
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

      test('roles are refused in scim mode and set in platform mode; switching back re-applies directory roles', async () => {
        const org = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Roles Inc', '--json'), 'org create')
        const entra = new ScimClient(app, (await new ScimTokens(database.store, systemClock).issue(org.id)).token)

        // 1. Settings: the default mode, exactly three fields.
        const settings = jsonOutput<Settings>(await cli('org', 'settings', '--org', org.id, '--json'), 'org settings')
        assert.deepEqual(settings, { id: org.id, name: 'Roles Inc', roleManagement: 'scim' })

        // 2. A manual member with its role, in scim mode; and one Entra provisions as SCHEDULER.
        const userName = uniqueUserName('manual')
        const added = jsonOutput<Member>(
          await cli('member', 'add', '--org', org.id, '--user-name', userName, '--email', userName, '--display-name', 'Man Ual', '--role', 'admin', '--json'),
          'member add',
        )
        assert.deepEqual(Object.keys(added).sort(), MEMBER_KEYS)
        assert.deepEqual(
          { ...added, id: undefined },
          { id: undefined, userName, displayName: 'Man Ual', email: userName, role: 'ADMIN', active: true, directoryRole: null, status: 'active', source: 'manual', lastProvisionedAt: null },
        )
        const provisioned = await entra.createUser(entraCreateBody(uniqueUserName('entra'), { modernloopRole: 'SCHEDULER' }))

        // 3. scim mode: set-role exits non-zero with the reason and where to switch; nothing changes.
        const refused = await cli('member', 'set-role', '--org', org.id, '--member', provisioned.id, '--role', 'ADMIN', '--json')
        assertCliError(refused, 'member set-role in scim mode', /identity provider[^]*Organization settings → Members → Role management[^]*--role-management platform/)

        // 4. platform mode: the change is made; then Entra sends another role, which becomes the directory role only.
        const switched = jsonOutput<Settings>(await cli('org', 'settings', '--org', org.id, '--role-management', 'platform', '--json'), 'org settings --role-management platform')
        assert.deepEqual(switched, { id: org.id, name: 'Roles Inc', roleManagement: 'platform' })
        const changed = jsonOutput<Member>(await cli('member', 'set-role', '--org', org.id, '--member', provisioned.id, '--role', 'ADMIN', '--json'), 'member set-role')
        assert.deepEqual([changed.id, changed.role, changed.directoryRole], [provisioned.id, 'ADMIN', 'SCHEDULER'])
        await entra.patchUserOk(provisioned.id, { op: 'Replace', path: 'modernloopRole', value: 'INTERVIEWER' })
        await entra.patchUserOk(provisioned.id, { op: 'Replace', path: 'active', value: 'False' })

        const listed = jsonOutput<Member[]>(await cli('member', 'list', '--org', org.id, '--json'), 'member list')
        const entraMember = listed.find((m) => m.id === provisioned.id)!
        assert.deepEqual(
          [entraMember.role, entraMember.directoryRole, entraMember.status, entraMember.active, entraMember.source],
          ['ADMIN', 'INTERVIEWER', 'deactivated', false, 'scim'],
        )
        assert.ok(entraMember.lastProvisionedAt && entraMember.lastProvisionedAt >= provisioned.meta.created)

        // 5. Back to scim: the directory role wins again; the manual member (no directory role) keeps ADMIN.
        const back = await cli('org', 'settings', '--org', org.id, '--role-management', 'scim')
        assert.equal(back.code, 0, back.stderr)
        assert.match(back.stdout, /role management: scim[^]*1 member\(s\) got their directory role/)
        const after = new Map(jsonOutput<Member[]>(await cli('member', 'list', '--org', org.id, '--json'), 'member list').map((m) => [m.id, m]))
        assert.equal(after.get(provisioned.id)?.role, 'INTERVIEWER')
        assert.equal(after.get(added.id)?.role, 'ADMIN')
      })

      test('refusals: unknown mode, organization or member, bad role, taken userName, missing options', async () => {
        const org = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Errors Inc', '--json'), 'org create')
        const taken = uniqueUserName('taken')
        jsonOutput<Member>(await cli('member', 'add', '--org', org.id, '--user-name', taken, '--json'), 'member add')
        // One process at a time: each CLI run costs about a second of CPU on a shared machine.
        const mode = await cli('org', 'settings', '--org', org.id, '--role-management', 'entra', '--json')
        const unknownOrg = await cli('org', 'settings', '--org', 'org_nope', '--json')
        const badRole = await cli('member', 'add', '--org', org.id, '--user-name', uniqueUserName('x'), '--role', 'OWNER', '--json')
        const duplicate = await cli('member', 'add', '--org', org.id, '--user-name', taken.toUpperCase(), '--json')
        const missing = await cli('member', 'add', '--org', org.id, '--json')
        const noMember = await cli('member', 'set-role', '--org', org.id, '--member', 'usr_nope', '--role', 'ADMIN', '--json')
        assertCliError(mode, 'org settings --role-management entra', /scim.*platform/)
        assertCliError(unknownOrg, 'org settings for an unknown org', /org_nope/)
        assertCliError(badRole, 'member add --role OWNER', /ADMIN, SCHEDULER or INTERVIEWER/)
        assertCliError(duplicate, 'member add of a taken userName', /already taken/)
        assertCliError(missing, 'member add without --user-name', /--user-name/)
        assertCliError(noMember, 'member set-role of an unknown member', /usr_nope/)
        const settings = jsonOutput<Settings>(await cli('org', 'settings', '--org', org.id, '--json'), 'org settings')
        assert.equal(settings.roleManagement, 'scim', 'a refused switch changed nothing')
      })
    })
  }
})
