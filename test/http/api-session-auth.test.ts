import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { systemClock } from '../../src/lib/clock.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'

/** The console (issue 8) calls /api/v1 with its session: the plugin takes the session and CSRF checks as functions. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: /api/v1 with a console session`, () => {
    let app: FastifyInstance
    let store: Store
    let close: () => Promise<void>
    let orgId: string
    let otherId: string

    before(async () => {
      const database = await openTestStore(dialect)
      store = database.store
      close = database.close
      orgId = (await new Organizations(store, systemClock).create('Session Co')).id
      otherId = (await new Organizations(store, systemClock).create('Elsewhere')).id
      app = await buildApp({
        config: loadConfig({ DATABASE_URL: database.databaseUrl }),
        store,
        logger: false,
        authenticateSession: async (request) => (request.headers.cookie === 'session=good' ? { orgId, memberId: 'usr_admin' } : null),
        checkCsrf: (request) => request.headers['x-csrf-token'] === 'right',
      })
    })
    after(async () => {
      await app.close()
      await close()
    })

    it('reads its own organization, 404s another, and needs the CSRF check to change anything', async () => {
      const cookie = { cookie: 'session=good' }
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/organizations/${orgId}`, headers: cookie })).statusCode, 200)
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/organizations/${otherId}`, headers: cookie })).statusCode, 404)
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/organizations', headers: cookie })).statusCode, 403)
      const noCsrf = await app.inject({ method: 'PATCH', url: `/api/v1/organizations/${orgId}`, headers: cookie, payload: { name: 'Renamed' } })
      assert.equal(noCsrf.statusCode, 403)
      assert.match(noCsrf.json().detail, /CSRF/)
      const withCsrf = await app.inject({ method: 'PATCH', url: `/api/v1/organizations/${orgId}`, headers: { ...cookie, 'x-csrf-token': 'right' }, payload: { name: 'Renamed' } })
      assert.equal(withCsrf.statusCode, 200)
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/organizations/${orgId}`, headers: { cookie: 'session=bad' } })).statusCode, 401)
      const badKeyWithSession = await app.inject({ method: 'GET', url: `/api/v1/organizations/${orgId}`, headers: { ...cookie, authorization: 'Bearer rostk_bad' } })
      assert.equal(badKeyWithSession.statusCode, 401, 'a bad key is never rescued by a session')
    })

    it('records the console member as the actor of a settings switch and a role change', async () => {
      const headers = { cookie: 'session=good', 'x-csrf-token': 'right' }
      const base = `/api/v1/organizations/${orgId}`
      const switched = await app.inject({ method: 'PATCH', url: `${base}/settings`, headers, payload: { roleManagement: 'platform' } })
      assert.equal(switched.statusCode, 200, switched.body)
      const added = await app.inject({ method: 'POST', url: `${base}/members`, headers, payload: { userName: 'hire@session.test' } })
      assert.equal(added.statusCode, 201, added.body)
      const changed = await app.inject({ method: 'PATCH', url: `${base}/members/${added.json().id}`, headers, payload: { role: 'SCHEDULER' } })
      assert.equal(changed.statusCode, 200, changed.body)
      const events = (await app.inject({ method: 'GET', url: `${base}/events`, headers })).json().data as { type: string; data: Record<string, any> }[]
      const console = { kind: 'console', id: 'usr_admin' }
      assert.deepEqual(events.find((e) => e.type === 'organization.settings_changed')?.data.actor, console)
      assert.deepEqual(events.find((e) => e.type === 'member.role_changed')?.data.roleChange.actor, console)
    })
  })
}
