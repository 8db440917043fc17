import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DomainError } from '../../src/lib/domain-error.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { systemClock } from '../../src/lib/clock.js'
import type { ProvisioningLogEntry } from '../../src/provisioning/types.js'
import { entraCreateBody, patchBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { flushLog } from './log-helpers.js'
import { rawLogRows } from './raw-log-rows.js'

const tokenSecret = (token: string): string => token.split('.')[1]!

for (const dialect of DIALECTS) {
  describe(`${dialect}: the provisioning log records every SCIM request`, () => {
    let t: TestApp
    let entra: ScimClient
    const query = (...args: Parameters<TestApp['app']['provisioningLog']['log']['queryLog']>) => t.app.provisioningLog.log.queryLog(...args)
    const only = async (filters: Parameters<typeof query>[1]): Promise<ProvisioningLogEntry> => {
      const page = await query(t.orgId, filters, { limit: 10 })
      assert.equal(page.entries.length, 1, `one entry for ${JSON.stringify(filters)}: ${JSON.stringify(page.entries.map((e) => [e.method, e.path, e.status]))}`)
      return page.entries[0]!
    }

    before(async () => {
      t = await createTestApp(dialect)
      entra = new ScimClient(t.app, t.token)
    })
    after(() => t.close())

    test('a create records who, what and every attribute set; a password is redacted and no token appears in any row', async () => {
      const userName = uniqueUserName('created')
      const response = await entra.send('POST', '/Users', entraCreateBody(userName, { password: 'Hunter2-Secret!', modernloopRole: 'ML_SCHEDULER', nickName: `bearer ${t.token}` }), { 'user-agent': 'Azure AD SCIM test' })
      assert.equal(response.statusCode, 201, response.body)
      const id = response.json<{ id: string }>().id
      await flushLog(t.app)

      const entry = await only({ resource: id })
      assert.equal(entry.operation, 'create')
      assert.equal(entry.outcome, 'success')
      assert.equal(entry.status, 201)
      assert.equal(entry.method, 'POST')
      assert.equal(entry.path, '/org/scim/v2/Users')
      assert.equal(entry.resourceType, 'User')
      assert.equal(entry.userName, userName)
      assert.equal(entry.client, 'Azure AD SCIM test')
      assert.match(entry.tokenId ?? '', /^tok_[0-9a-z]{24}$/)
      assert.ok(t.token.includes(entry.tokenId!.slice(4)), 'the token id is the id part of the token')
      assert.ok(entry.requestId.length > 0)
      assert.ok(entry.durationMs >= 0)
      const changed = new Map(entry.changes.map((change) => [change.attribute, change]))
      assert.deepEqual(changed.get('userName'), { attribute: 'userName', before: null, after: userName })
      assert.deepEqual(changed.get('name.givenName'), { attribute: 'name.givenName', before: null, after: 'givenName' })
      // Roster drops `password` before storing (coerce-resource.ts); were it ever stored, the diff redacts it.
      assert.ok(!changed.has('password') || changed.get('password')?.after === '[redacted]')

      const stored = JSON.stringify(await rawLogRows(t.config.databaseUrl))
      assert.ok(stored.includes(id), 'the raw rows were read')
      assert.ok(!stored.includes(tokenSecret(t.token)), 'no token secret in any stored row')
      assert.ok(!stored.includes('Hunter2-Secret!'), 'no password in any stored row')
    })

    test('update, deactivate and reactivate record attribute changes before → after', async () => {
      const user = await entra.createUser(entraCreateBody(uniqueUserName('life'), { displayName: 'Old Name' }))
      await entra.patchUserOk(user.id as string, { op: 'Replace', path: 'displayName', value: 'New Name' })
      await entra.patchUserOk(user.id as string, { op: 'Replace', path: 'active', value: 'False' })
      await entra.patchUserOk(user.id as string, { op: 'Replace', path: 'active', value: 'True' })
      await flushLog(t.app)

      const update = await only({ resource: user.id as string, operation: 'update' })
      assert.deepEqual(update.changes, [{ attribute: 'displayName', before: 'Old Name', after: 'New Name' }])
      assert.equal(update.method, 'PATCH')
      const deactivate = await only({ resource: user.id as string, operation: 'deactivate' })
      assert.deepEqual(deactivate.changes, [{ attribute: 'active', before: true, after: false }])
      const reactivate = await only({ resource: user.id as string, operation: 'reactivate' })
      assert.deepEqual(reactivate.changes, [{ attribute: 'active', before: false, after: true }])

      const history = await query(t.orgId, { resource: user.id as string }, { limit: 100 })
      assert.deepEqual(
        history.entries.filter((e) => e.method !== 'GET').map((e) => e.operation),
        ['reactivate', 'deactivate', 'update', 'create'],
        'newest first',
      )
    })

    test('failed requests are recorded with status, scimType and detail', async () => {
      const userName = uniqueUserName('dup')
      await entra.createUser(entraCreateBody(userName))
      const conflict = await entra.send('POST', '/Users', entraCreateBody(userName.toUpperCase()))
      assert.equal(conflict.statusCode, 409)
      const badFilter = await entra.get('/Users?filter=userName+eq')
      assert.equal(badFilter.statusCode, 400)
      await flushLog(t.app)

      const failure = await only({ resource: userName, outcome: 'failure' })
      assert.equal(failure.status, 409)
      assert.equal(failure.scimType, 'uniqueness')
      assert.match(failure.detail ?? '', /userName/)
      assert.equal(failure.operation, null)
      const filterFailure = (await query(t.orgId, { outcome: 'failure', text: 'invalidFilter' })).entries[0]
      assert.equal(filterFailure?.scimType, 'invalidFilter')
      assert.equal(filterFailure?.status, 400)
    })

    // An attribute Roster ignores is noted by the name the client gave it; a NUL in that name made PostgreSQL refuse
    // the log's batch (see log-store.test.ts), and this request's entry was lost.
    test("a create with an ignored attribute whose name holds a NUL is logged, its note without the NUL", async () => {
      const response = await entra.send('POST', '/Users', entraCreateBody(uniqueUserName('nul'), { 'odd\u0000name': 'x' }))
      assert.equal(response.statusCode, 201, response.body)
      await flushLog(t.app)
      assert.ok((await only({ resource: response.json<{ id: string }>().id })).notes.includes('oddname'))
    })

    test('a search by userName also finds the failed requests Entra sent by id (they carry no name)', async () => {
      const userName = uniqueUserName('by-name')
      const id = (await entra.createUser(entraCreateBody(userName))).id
      const refused = await entra.send('PATCH', `/Users/${id}`, patchBody({ op: 'Replace', path: 'active', value: 'sometimes' }))
      assert.equal(refused.statusCode, 400, refused.body)
      await flushLog(t.app)

      // What an admin does: look up the person Entra failed to update by the name Entra shows.
      const failure = await only({ resource: userName.toUpperCase(), outcome: 'failure' })
      assert.equal(failure.resourceId, id)
      assert.equal(failure.scimType, 'invalidValue')
      const all = await query(t.orgId, { resource: userName }, { limit: 10 })
      assert.deepEqual(all.entries.map((e) => [e.method, e.status]), [['PATCH', 400], ['POST', 201]])
    })

    test('a revoked token\'s 401 is its organization\'s; an unknown token\'s is nobody\'s', async () => {
      const tokens = new ScimTokens(t.store, systemClock)
      const issued = await tokens.issue((await t.createOrg('Revoking')).orgId)
      const orgId = issued.record.orgId
      await tokens.revoke(orgId, issued.record.id)
      const revoked = await new ScimClient(t.app, issued.token).get('/Users?count=1')
      assert.equal(revoked.statusCode, 401)
      const before = (await rawLogRows(t.config.databaseUrl)).length
      const unknown = await new ScimClient(t.app, `scimtok_${'a'.repeat(24)}.${'b'.repeat(43)}`).get('/Users?count=1')
      assert.equal(unknown.statusCode, 401)
      await flushLog(t.app)

      const page = await query(orgId, {})
      assert.equal(page.entries.length, 1)
      assert.equal(page.entries[0]!.status, 401)
      assert.equal(page.entries[0]!.tokenId, issued.record.id)
      assert.match(page.entries[0]!.detail ?? '', /revoked/)
      const rows = await rawLogRows(t.config.databaseUrl)
      assert.equal(rows.length, before + 1, 'only the revoked token\'s request was stored')
      assert.ok(!JSON.stringify(rows).includes(tokenSecret(issued.token)))
      const diagnostics = await t.app.provisioningLog.log.diagnostics(orgId)
      assert.equal(diagnostics.unauthorized.count, 1)
      assert.equal(diagnostics.unauthorized.lastAt, page.entries[0]!.time)
    })

    test('group membership changes list the added and removed ids; a deleted user leaves a tombstone', async () => {
      const a = await entra.createUser(entraCreateBody(uniqueUserName('ga')))
      const b = await entra.createUser(entraCreateBody(uniqueUserName('gb')))
      const group = (await entra.send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Team ${a.id}` })).json<{ id: string }>()
      const add = await entra.send('PATCH', `/Groups/${group.id}`, patchBody({ op: 'Add', path: 'members', value: [{ value: a.id }, { value: b.id }] }))
      assert.equal(add.statusCode, 204, add.body)
      const remove = await entra.send('PATCH', `/Groups/${group.id}`, patchBody({ op: 'Remove', path: `members[value eq "${a.id}"]` }))
      assert.equal(remove.statusCode, 204, remove.body)
      const deleted = await entra.send('DELETE', `/Users/${b.id}`)
      assert.equal(deleted.statusCode, 204)
      await flushLog(t.app)

      const memberships = (await query(t.orgId, { resource: group.id, operation: 'group_membership' })).entries
      assert.equal(memberships.length, 2)
      assert.deepEqual(memberships[1]!.membership, { added: [a.id, b.id], removed: [], addedCount: 2, removedCount: 0, removedAll: false })
      assert.deepEqual(memberships[0]!.membership, { added: [], removed: [a.id], addedCount: 0, removedCount: 1, removedAll: false })
      assert.equal(memberships[0]!.resourceType, 'Group')

      const tombstone = await t.app.provisioningLog.log.tombstone(t.orgId, b.id as string)
      assert.ok(tombstone)
      assert.equal(tombstone.operation, 'delete')
      assert.equal(tombstone.userName, b.userName)
      assert.equal(tombstone.resourceId, b.id)
      assert.match(tombstone.tokenId ?? '', /^tok_/)
      assert.ok(Date.parse(tombstone.time) <= Date.now())
      assert.deepEqual(tombstone.changes, [], 'the deleted document is not copied into the log')
    })

    test('queries page newest first with an opaque cursor, filter by time and text, and stay in their organization', async () => {
      const other = await t.createOrg('Other')
      await new ScimClient(t.app, other.token).createUser(entraCreateBody(uniqueUserName('elsewhere')))
      const start = new Date().toISOString()
      const names = Array.from({ length: 5 }, (_, i) => uniqueUserName(`page${i}`))
      for (const name of names) await entra.createUser(entraCreateBody(name))
      await flushLog(t.app)

      const seen: ProvisioningLogEntry[] = []
      let cursor: string | null = null
      for (let pages = 0; pages < 10; pages++) {
        const page = await query(t.orgId, { since: start, operation: 'create' }, { limit: 2, after: cursor })
        seen.push(...page.entries)
        cursor = page.next
        if (!cursor) break
      }
      assert.deepEqual(seen.map((e) => e.userName), [...names].reverse())
      assert.equal(new Set(seen.map((e) => e.id)).size, 5)
      assert.ok(seen.every((e) => e.orgId === t.orgId))

      assert.equal((await query(t.orgId, { text: names[2]!.toUpperCase().slice(0, 10) })).entries[0]?.userName, names[2])
      assert.equal((await query(t.orgId, { text: 'elsewhere' })).entries.length, 0, 'another organization\'s entries are not visible')
      assert.equal((await query(other.orgId, { text: 'elsewhere' })).entries.length, 1)
      await assert.rejects(query(t.orgId, {}, { after: 'not-a-cursor' }), (error) => error instanceof DomainError && error.code === 'invalid')
      await assert.rejects(query(t.orgId, { since: 'yesterday' }), DomainError)

      const summary = await t.app.provisioningLog.log.summary(t.orgId)
      assert.ok(summary.last24h.create >= 5)
      assert.equal(summary.last24h.create, summary.last7d.create)
      assert.ok(summary.last24h.failures >= 2)
      assert.ok(summary.lastRequestAt && summary.lastRequestAt >= start)
      assert.ok(summary.hourly.length >= 1 && summary.hourly.every((h) => /^\d{4}-\d\d-\d\dT\d\d$/.test(h.bucket)))
      assert.equal(summary.hourly.reduce((n, h) => n + h.success + h.failure, 0), summary.last24h.requests)
      assert.ok(summary.daily.length >= 1 && summary.daily.every((d) => /^\d{4}-\d\d-\d\d$/.test(d.bucket)))
      assert.equal(summary.daily.reduce((n, d) => n + d.failure, 0), summary.last7d.failures)
    })

    // The writer counts a request's operation when it builds its entry, as the log files it: a PUT that changes nothing
    // (the domain still reports it: the user's version moves) is no update, in the log and in the metric alike.
    test('the operations metric counts what the log files: a PUT that changes nothing is no update', async () => {
      const operations = async (kind: string): Promise<number> => {
        await flushLog(t.app)
        const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
        return Number(new RegExp(`roster_provisioning_operations_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0)
      }
      const body = entraCreateBody(uniqueUserName('same'))
      const user = await entra.createUser(body)
      const updates = await operations('update')
      for (let i = 0; i < 2; i++) assert.equal((await entra.send('PUT', `/Users/${user.id as string}`, body)).statusCode, 200)
      assert.equal(await operations('update'), updates, 'nothing changed, nothing counted')
      const entries = await query(t.orgId, { resource: user.id as string })
      assert.deepEqual(entries.entries.filter((entry) => entry.method === 'PUT').map((entry) => entry.operation), [null, null])
      await entra.patchUserOk(user.id as string, { op: 'Replace', path: 'displayName', value: 'Changed' })
      assert.equal(await operations('update'), updates + 1)
    })

    test('/metrics counts requests by route pattern, operations and batches, with no ids in any label', async () => {
      const user = await entra.createUser(entraCreateBody(uniqueUserName('metrics')))
      await entra.getUser(user.id as string)
      await flushLog(t.app)
      const response = await t.app.inject({ method: 'GET', url: '/metrics' })
      assert.equal(response.statusCode, 200)
      assert.match(response.headers['content-type'] as string, /^text\/plain/)
      const text = response.body
      assert.match(text, /roster_scim_requests_total\{method="GET",route="\/org\/scim\/v2\/Users\/:id",status="200"\} [1-9]/)
      assert.match(text, /roster_scim_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/org\/scim\/v2\/Users"\}/)
      assert.match(text, /roster_provisioning_operations_total\{kind="create"\} [1-9]/)
      assert.match(text, /roster_provisioning_log_batches_written_total [1-9]/)
      assert.match(text, /roster_provisioning_log_entries_dropped_total/)
      assert.match(text, /roster_database_errors_total/)
      assert.ok(!text.includes(user.id as string) && !text.includes('usr_') && !text.includes('org_'), 'no ids in labels')
    })
  })
}
