import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { entraCreateBody, patchBody, ScimClient, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { apiClient, OpenApiValidator } from '../helpers/openapi-validator.js'
import { flushLog } from '../provisioning/log-helpers.js'

type Event = { type: string; sequence: number; data: Record<string, any> }

/** The wave-2 routes of /api/v1 (members, settings, provisioning log, diagnostics, API keys), every response checked against the OpenAPI document. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: /api/v1 members, settings, provisioning log, API keys`, () => {
    let t: TestApp
    let api: ReturnType<typeof apiClient>
    let keys: ApiKeys
    let platformKey: string
    let platformKeyId: string

    /** A fresh organization with its own SCIM client, so tests do not see each other's members or events. */
    const freshOrg = async (name: string) => {
      const org = await t.createOrg(name)
      return { orgId: org.orgId, token: org.token, entra: new ScimClient(t.app, org.token), base: `/api/v1/organizations/${org.orgId}` }
    }
    const events = async (base: string): Promise<Event[]> => (await api('GET', `${base}/events?limit=200`, platformKey)).body.data

    before(async () => {
      t = await createTestApp(dialect)
      api = apiClient(t.app, await OpenApiValidator.load(t.app))
      keys = new ApiKeys(t.store, systemClock)
      const issued = await keys.create(null)
      platformKey = issued.key
      platformKeyId = issued.record.id
    })
    after(() => t.close())

    it('lists members with filters and paging, gets one, adds a manual one', async () => {
      const { base, entra } = await freshOrg('Members')
      const ada = await entra.createUser(entraCreateBody(uniqueUserName('ada'), { displayName: 'Ada Lovelace', roles: [{ primary: true, value: 'ML_ADMIN' }] }))
      const bob = await entra.createUser(entraCreateBody(uniqueUserName('bob'), { displayName: 'Bob' }))
      await entra.patchUserOk(bob.id, { op: 'replace', path: 'active', value: false })
      const added = await api('POST', `${base}/members`, platformKey, { userName: 'carol@acme.test', email: 'carol@acme.test', displayName: 'Carol', role: 'SCHEDULER' })
      assert.equal(added.status, 201)
      assert.equal(added.body.source, 'manual')
      assert.equal(added.body.role, 'SCHEDULER')

      const all = await api('GET', `${base}/members`, platformKey)
      assert.deepEqual(all.body.data.map((m: { id: string }) => m.id), [ada.id, bob.id, added.body.id])
      assert.equal(all.body.next, null)
      const admins = await api('GET', `${base}/members?role=ADMIN`, platformKey)
      assert.deepEqual(admins.body.data.map((m: { id: string }) => m.id), [ada.id])
      const deactivated = await api('GET', `${base}/members?status=deactivated`, platformKey)
      assert.deepEqual(deactivated.body.data.map((m: { id: string }) => m.id), [bob.id])
      const manual = await api('GET', `${base}/members?source=manual`, platformKey)
      assert.deepEqual(manual.body.data.map((m: { id: string }) => m.id), [added.body.id])
      const text = await api('GET', `${base}/members?q=LOVELACE`, platformKey)
      assert.deepEqual(text.body.data.map((m: { id: string }) => m.id), [ada.id])

      const first = await api('GET', `${base}/members?limit=2`, platformKey)
      assert.equal(first.body.data.length, 2)
      assert.ok(first.body.next)
      const second = await api('GET', `${base}/members?limit=2&after=${first.body.next}`, platformKey)
      assert.deepEqual(second.body.data.map((m: { id: string }) => m.id), [added.body.id])
      assert.equal(second.body.next, null)

      const one = await api('GET', `${base}/members/${ada.id}`, platformKey)
      assert.equal(one.status, 200)
      assert.equal(one.body.role, 'ADMIN')
      assert.equal(one.body.directoryRole, 'ADMIN')
      assert.equal(one.body.status, 'active')
      const missing = await api('GET', `${base}/members/usr_nosuchmember`, platformKey)
      assert.equal(missing.status, 404)
      assert.equal(missing.body.type, 'urn:roster:problem:not-found')

      const badRole = await api('GET', `${base}/members?role=OWNER`, platformKey)
      assert.equal(badRole.status, 400)
      assert.equal(badRole.body.errors[0].field, 'query.role')
      const duplicate = await api('POST', `${base}/members`, platformKey, { userName: 'Carol@acme.test' })
      assert.equal(duplicate.status, 409)
    })

    it('refuses a role change in scim mode with 409 naming the setting; in platform mode changes it and emits member.role_changed', async () => {
      const { base, entra } = await freshOrg('Roles')
      const user = await entra.createUser(entraCreateBody(uniqueUserName('role')))
      const refused = await api('PATCH', `${base}/members/${user.id}`, platformKey, { role: 'ADMIN' })
      assert.equal(refused.status, 409)
      assert.equal(refused.body.type, 'urn:roster:problem:role-managed-by-identity-provider')
      assert.match(refused.body.detail, /Organization settings → Members → Role management/)
      assert.equal((await api('GET', `${base}/members/${user.id}`, platformKey)).body.role, 'INTERVIEWER')

      const switched = await api('PATCH', `${base}/settings`, platformKey, { roleManagement: 'platform' })
      assert.equal(switched.status, 200)
      assert.equal(switched.body.roleManagement, 'platform')
      assert.equal(switched.body.membersChanged, 0)
      const changed = await api('PATCH', `${base}/members/${user.id}`, platformKey, { role: 'SCHEDULER' })
      assert.equal(changed.status, 200)
      assert.equal(changed.body.role, 'SCHEDULER')
      assert.equal(changed.body.directoryRole, null)

      const roleEvents = (await events(base)).filter((e) => e.type === 'member.role_changed')
      assert.equal(roleEvents.length, 1)
      assert.deepEqual(roleEvents[0]!.data.roleChange, { from: 'INTERVIEWER', to: 'SCHEDULER', why: 'admin', actor: { kind: 'api', id: platformKeyId } })
      const { roleChange, changedFields, ...member } = roleEvents[0]!.data
      assert.equal(changedFields, undefined)
      assert.deepEqual(member, (await api('GET', `${base}/members/${user.id}`, platformKey)).body, 'the event carries the member as a GET returns it')
      const settingsEvent = (await events(base)).find((e) => e.type === 'organization.settings_changed')
      assert.deepEqual(settingsEvent?.data.changes, { roleManagement: { from: 'scim', to: 'platform' } })
      assert.deepEqual(settingsEvent?.data.actor, { kind: 'api', id: platformKeyId })
    })

    it('switching to scim previews and reports the count, and emits role changes (why: mode_switch) and organization.settings_changed', async () => {
      const { base, entra } = await freshOrg('Switch')
      assert.equal((await api('PATCH', `${base}/settings`, platformKey, { roleManagement: 'platform' })).status, 200)
      const user = await entra.createUser(entraCreateBody(uniqueUserName('drift'), { roles: [{ primary: true, value: 'ML_SCHEDULER' }] }))
      assert.equal((await api('PATCH', `${base}/members/${user.id}`, platformKey, { role: 'ADMIN' })).body.role, 'ADMIN')

      const preview = await api('GET', `${base}/settings/role-management-preview?to=scim`, platformKey)
      assert.deepEqual(preview.body, { from: 'platform', to: 'scim', membersChanged: 1 })
      const defaultPreview = await api('GET', `${base}/settings/role-management-preview`, platformKey)
      assert.deepEqual(defaultPreview.body, { from: 'platform', to: 'scim', membersChanged: 1 })
      const before = (await events(base)).length
      const switched = await api('PATCH', `${base}/settings`, platformKey, { roleManagement: 'scim' })
      assert.equal(switched.body.membersChanged, 1)
      assert.equal(switched.body.roleManagement, 'scim')
      const settings = await api('GET', `${base}/settings`, platformKey)
      assert.equal(settings.body.roleManagement, 'scim')

      const emitted = (await events(base)).slice(before)
      assert.deepEqual(emitted.map((e) => e.type), ['member.role_changed', 'organization.settings_changed'])
      assert.equal(emitted[0]!.data.id, user.id)
      assert.equal(emitted[0]!.data.role, 'SCHEDULER')
      assert.deepEqual(emitted[0]!.data.roleChange, { from: 'ADMIN', to: 'SCHEDULER', why: 'mode_switch', actor: { kind: 'api', id: platformKeyId } })
      assert.equal(emitted[1]!.data.membersChanged, 1)
      assert.equal(emitted[1]!.data.roleManagement, 'scim')
      const sequences = emitted.map((e) => e.sequence)
      assert.deepEqual(sequences, [sequences[0], sequences[0]! + 1])
    })

    it('the access check flips on a SCIM deactivation at the very next call, and SCIM writes emit their member events', async () => {
      const { base, entra } = await freshOrg('Access')
      const user = await entra.createUser(entraCreateBody(uniqueUserName('access')))
      assert.deepEqual((await api('GET', `${base}/members/${user.id}/access`, platformKey)).body, { allowed: true, reason: null, detail: null })
      await entra.patchUserOk(user.id, { op: 'replace', path: 'active', value: false })
      const denied = await api('GET', `${base}/members/${user.id}/access`, platformKey)
      assert.equal(denied.body.allowed, false)
      assert.equal(denied.body.reason, 'deactivated')
      await entra.patchUserOk(user.id, { op: 'replace', path: 'active', value: true })
      assert.equal((await api('GET', `${base}/members/${user.id}/access`, platformKey)).body.allowed, true)
      await entra.patchUserOk(user.id, { op: 'replace', path: 'displayName', value: 'Renamed' })
      assert.equal((await entra.send('DELETE', `/Users/${user.id}`)).statusCode, 204)
      const gone = await api('GET', `${base}/members/${user.id}/access`, platformKey)
      assert.deepEqual([gone.status, gone.body.allowed, gone.body.reason], [200, false, 'not_found'])

      const emitted = await events(base)
      assert.deepEqual(emitted.map((e) => e.type), ['member.created', 'member.deactivated', 'member.reactivated', 'member.updated', 'member.deleted'])
      assert.equal(emitted[1]!.data.status, 'deactivated')
      assert.equal(emitted[2]!.data.status, 'active')
      assert.equal(emitted[3]!.data.displayName, 'Renamed')
      assert.deepEqual(emitted[3]!.data.changedFields, ['displayName'])
      assert.equal(emitted[4]!.data.id, user.id)
      assert.ok(emitted.every((e) => e.data.object === 'member' && e.data.organization === base.split('/').pop()))
    })

    it('serves the provisioning log, its summary and diagnostics (401s since when, default role on every user)', async () => {
      const { base, entra, orgId } = await freshOrg('Log')
      const empty = await api('GET', `${base}/diagnostics`, platformKey)
      assert.deepEqual(empty.body.data.map((d: { code: string }) => d.code), ['no-requests-yet'])

      const user = await entra.createUser(entraCreateBody(uniqueUserName('logged')))
      await entra.patchUserOk(user.id, { op: 'replace', path: 'displayName', value: 'Logged' })
      await flushLog(t.app)
      const log = await api('GET', `${base}/provisioning-log?operation=create`, platformKey)
      assert.equal(log.status, 200)
      assert.deepEqual(log.body.data.map((e: { resourceId: string }) => e.resourceId), [user.id])
      assert.equal(log.body.data[0].orgId, orgId)
      const paged = await api('GET', `${base}/provisioning-log?limit=1`, platformKey)
      assert.equal(paged.body.data.length, 1)
      const rest = await api('GET', `${base}/provisioning-log?limit=1&after=${paged.body.next}`, platformKey)
      assert.notEqual(rest.body.data[0].id, paged.body.data[0].id)
      assert.ok(rest.body.data[0].time <= paged.body.data[0].time, 'newest first')
      const badFilter = await api('GET', `${base}/provisioning-log?outcome=maybe`, platformKey)
      assert.equal(badFilter.status, 400)
      assert.equal(badFilter.body.errors[0].field, 'query.outcome')
      const summary = await api('GET', `${base}/provisioning-log/summary`, platformKey)
      assert.equal(summary.body.last24h.create, 1)
      assert.equal(summary.body.last24h.update, 1)
      assert.ok(summary.body.lastRequestAt)

      const defaults = await api('GET', `${base}/diagnostics`, platformKey)
      assert.deepEqual(defaults.body.data.map((d: { code: string }) => d.code), ['default-role-on-every-user'])

      // The organization's token replaced in Entra by a wrong one: SCIM answers 401, the diagnostics say since when.
      const [tokenId] = (await api('GET', `${base}/scim-tokens`, platformKey)).body.data.map((tok: { id: string }) => tok.id)
      assert.equal((await api('POST', `${base}/scim-tokens/${tokenId}/revoke`, platformKey)).status, 200)
      assert.equal((await entra.send('GET', '/Users')).statusCode, 401)
      await flushLog(t.app)
      const diagnostics = await api('GET', `${base}/diagnostics`, platformKey)
      const unauthorized = diagnostics.body.data.find((d: { code: string }) => d.code === 'unauthorized')
      assert.ok(unauthorized, JSON.stringify(diagnostics.body))
      assert.equal(unauthorized.severity, 'error')
      assert.ok(unauthorized.since && unauthorized.since >= summary.body.lastRequestAt)
      assert.match(unauthorized.action, /SCIM token/)
      // The sentence an admin reads names the time as a person writes it, not as an ISO timestamp.
      assert.match(unauthorized.detail, /since the last successful request at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\./)
    })

    it('creates, lists and revokes organization API keys; a revoked key stops at the next request', async () => {
      const { base } = await freshOrg('Keys')
      const created = await api('POST', `${base}/api-keys`, platformKey)
      assert.equal(created.status, 201)
      assert.match(created.body.key, /^rostk_/)
      const listed = await api('GET', `${base}/api-keys`, created.body.key)
      assert.deepEqual(listed.body.data.map((k: { id: string }) => k.id), [created.body.id])
      assert.ok(!JSON.stringify(listed.body).includes(created.body.key.split('.')[1]))
      assert.equal((await api('GET', `${base}/members`, created.body.key)).status, 200)
      const revoked = await api('DELETE', `${base}/api-keys/${created.body.id}`, platformKey)
      assert.equal(revoked.status, 204)
      const refused = await api('GET', `${base}/members`, created.body.key)
      assert.equal(refused.status, 401)
      const again = await api('DELETE', `${base}/api-keys/${created.body.id}`, platformKey)
      assert.equal(again.status, 404)
      const listedAfter = await api('GET', `${base}/api-keys`, platformKey)
      assert.ok(listedAfter.body.data[0].revokedAt)
    })
  })
}
