import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { until, WebhookReceiver } from '../helpers/webhook-receiver.js'
import { assertCliError, freePort, jsonOutput, runProcess, startServer, type ServerProcess } from './cli-process.js'

const cli = (databaseUrl: string, args: string[]) =>
  // A generous bound: on a loaded machine one CLI start (tsx compiling the sources) can take many seconds.
  runProcess(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { DATABASE_URL: databaseUrl, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }, 120_000)

// Each CLI run and server start is a process of its own: the engines run concurrently.
describe('API keys, webhooks and events from the CLI and a real server', { concurrency: true }, () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}`, () => {
      const servers: ServerProcess[] = []
      const cleanups: Array<() => Promise<void>> = []
      after(async () => {
        await Promise.all(servers.map((server) => server.stop()))
        for (const cleanup of cleanups) await cleanup()
      })

      test('api-key, webhook and events commands print one JSON document each', async () => {
        const database = await openTestStore(dialect)
        cleanups.push(database.close)
        const url = database.databaseUrl
        const org = jsonOutput<{ id: string }>(await cli(url, ['org', 'create', '--name', 'CLI Co', '--json']), 'org create')
        const platform = jsonOutput<{ id: string; key: string }>(await cli(url, ['api-key', 'create', '--platform', '--json']), 'api-key create --platform')
        assert.match(platform.key, /^rostk_/)
        const orgKey = jsonOutput<{ id: string; key: string }>(await cli(url, ['api-key', 'create', '--org', org.id, '--json']), 'api-key create --org')
        assertCliError(await cli(url, ['api-key', 'create', '--json']), 'api-key create', /--platform or --org/)
        const listed = jsonOutput<Array<{ id: string; organization: string | null; active: boolean }>>(await cli(url, ['api-key', 'list', '--org', org.id, '--json']), 'api-key list')
        assert.deepEqual(listed.map((k) => [k.id, k.organization, k.active]), [[orgKey.id, org.id, true]])
        assert.ok(!JSON.stringify(listed).includes(orgKey.key.split('.')[1]!))
        assertCliError(await cli(url, ['api-key', 'revoke', '--id', platform.id, '--org', org.id, '--json']), 'revoke of a platform key as an org key', /no active API key/)
        assert.deepEqual(jsonOutput(await cli(url, ['api-key', 'revoke', '--id', orgKey.id, '--json']), 'api-key revoke'), { id: orgKey.id, revoked: true })

        const hook = jsonOutput<{ id: string; secret: string }>(
          await cli(url, ['webhook', 'add', '--org', org.id, '--url', 'http://127.0.0.1:9/hook', '--events', 'group.created,group.deleted', '--json']),
          'webhook add',
        )
        assert.match(hook.secret, /^whsec_/)
        assertCliError(await cli(url, ['webhook', 'add', '--org', org.id, '--url', 'https://x.test', '--events', 'group.exploded', '--json']), 'webhook add', /Unknown event types: group\.exploded/)
        const hooks = jsonOutput<Array<{ id: string; eventTypes: string[] }>>(await cli(url, ['webhook', 'list', '--org', org.id, '--json']), 'webhook list')
        assert.deepEqual(hooks.map((h) => [h.id, h.eventTypes]), [[hook.id, ['group.created', 'group.deleted']]])
        assert.ok(!JSON.stringify(hooks).includes(hook.secret))
        assert.deepEqual(jsonOutput(await cli(url, ['webhook', 'remove', '--org', org.id, '--id', hook.id, '--json']), 'webhook remove'), { id: hook.id, removed: true })

        const groups = await import('../../src/directory/groups.js')
        const { systemClock } = await import('../../src/lib/clock.js')
        const directory = new groups.GroupDirectory(database.store, { maxPatchOperations: 10, clock: systemClock })
        for (const name of ['A', 'B', 'C']) await directory.create(org.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name })
        const first = jsonOutput<{ data: Array<{ sequence: number }>; next: string }>(await cli(url, ['events', 'list', '--org', org.id, '--limit', '2', '--json']), 'events list')
        assert.deepEqual(first.data.map((e) => e.sequence), [1, 2])
        const rest = jsonOutput<{ data: Array<{ sequence: number }>; next: string }>(await cli(url, ['events', 'list', '--org', org.id, '--after', first.next, '--json']), 'events list --after')
        assert.deepEqual(rest.data.map((e) => e.sequence), [3])
        assertCliError(await cli(url, ['events', 'list', '--org', org.id, '--after', 'nonsense', '--json']), 'events list --after nonsense', /--after cursor/)
      })

      test('a webhook is delivered after Roster is killed mid-delivery and started again', async () => {
        const database = await openTestStore(dialect)
        cleanups.push(database.close)
        const receiver = await WebhookReceiver.start()
        cleanups.push(() => receiver.close())
        receiver.answers = ['hang']
        const url = database.databaseUrl
        const port = await freePort()
        const env = {
          DATABASE_URL: url,
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'silent',
          WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
          // Long enough that a loaded machine's 200 is never mistaken for a timeout (which would send it again);
          // the hanging first attempt never reaches it, since that server is killed.
          WEBHOOK_TIMEOUT_MS: '3000',
          WEBHOOK_POLL_INTERVAL_MS: '50',
          WEBHOOK_RETRY_BASE_MS: '50',
        }
        const org = jsonOutput<{ id: string }>(await cli(url, ['org', 'create', '--name', 'Killed Co', '--json']), 'org create')
        const token = jsonOutput<{ token: string }>(await cli(url, ['scim-token', 'create', '--org', org.id, '--json']), 'scim-token create')
        const hook = jsonOutput<{ id: string; secret: string }>(await cli(url, ['webhook', 'add', '--org', org.id, '--url', receiver.url, '--json']), 'webhook add')

        const first = startServer(env)
        servers.push(first)
        await first.waitForOutput(/Tenant URL/, 120_000)
        const created = await fetch(`http://127.0.0.1:${port}/org/scim/v2/Groups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Survivor' }),
          signal: AbortSignal.timeout(5000),
        })
        assert.equal(created.status, 201)
        await until(() => receiver.received.length === 1, async () => {}, 15_000)
        first.child.kill('SIGKILL')
        await first.stop()

        const second = startServer(env)
        servers.push(second)
        await second.waitForOutput(/Tenant URL/, 120_000)
        await until(() => receiver.delivered.length === 1, async () => {}, 40_000)
        await new Promise((resolve) => setTimeout(resolve, 500))
        await second.stop()
        assert.deepEqual(receiver.received.map((r) => r.answer), ['hang', 200], 'sent again after the restart, and once delivered, never again')
        const delivered = receiver.delivered[0]!
        const event = new Webhook(hook.secret).verify(delivered.body, delivered.headers as Record<string, string>) as { type: string; data: { displayName: string } }
        assert.equal(event.type, 'group.created')
        assert.equal(event.data.displayName, 'Survivor')
        assert.equal(delivered.headers['webhook-id'], receiver.received[0]!.headers['webhook-id'])
      })
    })
  }
})
