import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { sha256Hex } from '../../src/lib/tokens.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { jsonOutput, runCli, type ProcessResult } from './cli-process.js'

// Each CLI run is a process of its own (about a second of CPU): kept few.
describe('the OpenID Connect CLI', () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}: oidc-client, oidc-key and domain`, () => {
      let database: Awaited<ReturnType<typeof openTestStore>>
      let cli: (...args: string[]) => Promise<ProcessResult>
      before(async () => {
        database = await openTestStore(dialect)
        cli = (...args) => runCli(database.databaseUrl, args)
      })
      after(() => database.close())

      test('oidc-client create prints the id and the secret once; Roster keeps only its hash; list and remove', async () => {
        const created = jsonOutput<{ clientId: string; clientSecret: string }>(
          await cli('oidc-client', 'create', '--name', 'Host', '--redirect-uri', 'https://app.example.com/cb', '--redirect-uri', 'http://127.0.0.1:3000/cb', '--backchannel-logout-uri', 'https://app.example.com/logout', '--json'), 'oidc-client create',
        )
        assert.match(created.clientId, /^rpc_/)
        assert.match(created.clientSecret, /^rcs_/)
        const stored = await database.store.findOidcClient(created.clientId)
        assert.equal(stored!.secretHash, sha256Hex(created.clientSecret))
        assert.ok(!JSON.stringify(stored).includes(created.clientSecret))
        const listed = jsonOutput<Array<{ clientId: string; redirectUris: string[] }>>(await cli('oidc-client', 'list', '--json'), 'oidc-client list')
        assert.deepEqual(listed.map((c) => c.redirectUris), [['https://app.example.com/cb', 'http://127.0.0.1:3000/cb']])
        assert.ok(!JSON.stringify(listed).includes('rcs_'))
        const bad = await cli('oidc-client', 'create', '--name', 'Bad', '--redirect-uri', 'http://app.example.com/cb', '--json')
        assert.notEqual(bad.code, 0)
        assert.match(bad.stderr, /https/)
        assert.deepEqual(jsonOutput(await cli('oidc-client', 'remove', '--id', created.clientId, '--json'), 'oidc-client remove'), { clientId: created.clientId, removed: true })
      })

      test('oidc-key rotate publishes two keys; domain add shows the TXT value to publish, and list shows the claim', async () => {
        const first = jsonOutput<{ kid: string; published: string[] }>(await cli('oidc-key', 'rotate', '--json'), 'oidc-key rotate')
        const second = jsonOutput<{ kid: string; published: string[] }>(await cli('oidc-key', 'rotate', '--json'), 'oidc-key rotate')
        assert.deepEqual(second.published.sort(), [first.kid, second.kid].sort())
        const org = await new Organizations(database.store, systemClock).create('Acme')
        const claim = jsonOutput<{ id: string; verificationValue: string; verified: boolean }>(await cli('domain', 'add', '--org', org.id, '--domain', 'Acme.invalid', '--json'), 'domain add')
        assert.match(claim.verificationValue, /^roster-verification=/)
        assert.equal(claim.verified, false)
        // (verify itself is tested over the API with a stubbed resolver: tests make no DNS queries.)
        const listed = jsonOutput<Array<{ id: string; domain: string; txtRecordNames: string[] }>>(await cli('domain', 'list', '--org', org.id, '--json'), 'domain list')
        assert.deepEqual(listed.map((d) => [d.id, d.domain, d.txtRecordNames]), [[claim.id, 'acme.invalid', ['_roster.acme.invalid', 'acme.invalid']]])
        // Without --json, the next step is a command that can be pasted as it is.
        const text = await cli('domain', 'add', '--org', org.id, '--domain', 'other.invalid')
        assert.equal(text.code, 0, text.stderr)
        assert.match(text.stdout, new RegExp(`then run: npm run --silent cli -- domain verify --org ${org.id} --id dom_\\w+`))
      })
    })
  }
})
