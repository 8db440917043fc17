import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { createTestIdp, entraMetadataXml } from '../helpers/saml-idp.js'
import { assertCliError, jsonOutput, runCli, type ProcessResult } from './cli-process.js'

interface Shown {
  entityId: string
  acsUrl: string
  signOnUrl: string
  metadataUrl: string
  id: string
  orgId: string
  idp: { entityId: string; tenantId: string; certificates: unknown[] }
  emailDomains: string[]
  jitEnabled: boolean
  allowIdpInitiated: boolean
}

// Each CLI run is a process of its own (about a second of CPU): kept few, and the engines run one after the other.
describe('the sso CLI', () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}: sso connection and sso test-login`, () => {
      let database: Awaited<ReturnType<typeof openTestStore>>
      let cli: (...args: string[]) => Promise<ProcessResult>
      let dir: string
      before(async () => {
        database = await openTestStore(dialect)
        cli = (...args) => runCli(database.databaseUrl, args)
        dir = await mkdtemp(join(tmpdir(), 'roster-sso-cli-'))
      })
      after(async () => {
        await database.close()
        await rm(dir, { recursive: true, force: true })
      })

      test('create from a metadata file, show, update, list, test-login, remove', async () => {
        const idp = await createTestIdp()
        const metadataFile = join(dir, 'federationmetadata.xml')
        await writeFile(metadataFile, entraMetadataXml(idp))
        // Organizations come from the store directly: each CLI run is a process, and `org create` has its own tests.
        const org = await new Organizations(database.store, systemClock).create('SSO Org')

        const created = jsonOutput<Shown>(
          await cli('sso', 'connection', 'create', '--org', org.id, '--metadata-file', metadataFile, '--email-domain', 'sso.test', '--json'),
          'sso connection create',
        )
        assert.equal(created.entityId, `http://127.0.0.1:8080/sso/saml/${created.id}`)
        assert.equal(created.acsUrl, `${created.entityId}/acs`)
        assert.equal(created.signOnUrl, `${created.entityId}/start`)
        assert.equal(created.metadataUrl, `${created.entityId}/metadata`)
        assert.equal(created.idp.tenantId, idp.tenantId)
        assert.equal(created.jitEnabled, false)

        const [shown, again] = await Promise.all([
          cli('sso', 'connection', 'show', '--org', org.id, '--json'),
          cli('sso', 'connection', 'create', '--org', org.id, '--metadata-file', metadataFile, '--json'),
        ])
        assert.deepEqual(jsonOutput<Shown>(shown, 'sso connection show'), created)
        assertCliError(again, 'a second connection', /already has an SSO connection/)

        const updated = jsonOutput<Shown>(await cli('sso', 'connection', 'update', '--org', org.id, '--jit', '--no-idp-initiated', '--json'), 'update')
        assert.equal(updated.jitEnabled, true)
        assert.equal(updated.allowIdpInitiated, false)
        assert.deepEqual(updated.emailDomains, ['sso.test'])

        const [list, link] = await Promise.all([cli('sso', 'connection', 'list', '--org', org.id, '--json'), cli('sso', 'test-login', '--org', org.id, '--json')])
        assert.deepEqual(jsonOutput<{ id: string }[]>(list, 'list').map((c) => c.id), [created.id])
        assert.equal(jsonOutput<{ url: string }>(link, 'test-login').url, `http://127.0.0.1:8080/sso/saml/start?org=${org.id}`)

        assert.deepEqual(jsonOutput(await cli('sso', 'connection', 'remove', '--org', org.id, '--id', created.id, '--json'), 'remove'), { id: created.id, removed: true })
        assertCliError(await cli('sso', 'connection', 'show', '--org', org.id, '--json'), 'show after remove', /has no SSO connection/)
      })

      test('sso set creates the connection, then updates it; sso show prints the values to paste into Entra', async () => {
        const idp = await createTestIdp()
        const metadataFile = join(dir, 'set-metadata.xml')
        await writeFile(metadataFile, entraMetadataXml(idp))
        const org = await new Organizations(database.store, systemClock).create('SSO Set Org')
        const created = jsonOutput<Shown>(await cli('sso', 'set', '--org', org.id, '--metadata-file', metadataFile, '--json'), 'sso set (create)')
        assert.equal(created.idp.tenantId, idp.tenantId)
        assert.deepEqual(created.emailDomains, [])
        const updated = jsonOutput<Shown>(await cli('sso', 'set', '--org', org.id, '--email-domain', 'set.test', '--json'), 'sso set (update)')
        assert.equal(updated.id, created.id, 'the same connection, updated')
        assert.deepEqual(updated.emailDomains, ['set.test'])
        const shown = jsonOutput<Shown>(await cli('sso', 'show', '--org', org.id, '--json'), 'sso show')
        assert.equal(shown.entityId, created.entityId)
        assert.equal(shown.acsUrl, `${created.entityId}/acs`)
        assert.equal(shown.signOnUrl, `${created.entityId}/start`)
        assert.equal(shown.metadataUrl, `${created.entityId}/metadata`)
      })

      test('refuses unsafe or incomplete input with a message', async () => {
        const org = await new Organizations(database.store, systemClock).create('Bad SSO')
        const xxe = join(dir, 'xxe.xml')
        await writeFile(xxe, '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><m>&x;</m>')
        const [doctype, nothing, partial] = await Promise.all([
          cli('sso', 'connection', 'create', '--org', org.id, '--metadata-file', xxe, '--json'),
          cli('sso', 'connection', 'create', '--org', org.id, '--json'),
          cli('sso', 'connection', 'create', '--org', org.id, '--entity-id', 'https://sts.windows.net/x/', '--json'),
        ])
        assertCliError(doctype, 'metadata with a DOCTYPE', /DOCTYPE/)
        assertCliError(nothing, 'no IdP source', /--metadata-url/)
        assertCliError(partial, 'entity ID alone', /--sso-url/)
      })
    })
  }
})
