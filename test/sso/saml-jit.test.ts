import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { DIALECTS } from '../helpers/dialects.js'
import { scimHeaders } from '../helpers/build-test-app.js'
import { CLAIM } from '../helpers/saml-idp.js'
import { createSamlFixture, loggedReasons, type SamlFixture } from './saml-fixture.js'

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

for (const dialect of DIALECTS) {
  describe(`SAML just-in-time member creation (${dialect})`, () => {
    let f: SamlFixture

    /** Entra's default claims for a person, with a fresh object id unless given. */
    const claims = (upn: string, extra: Record<string, string | string[]> = {}) => ({
      [CLAIM.objectId]: randomUUID(),
      [CLAIM.name]: upn,
      [CLAIM.email]: upn,
      [CLAIM.givenName]: 'Jo',
      [CLAIM.surname]: 'Tester',
      [CLAIM.displayName]: 'Jo Tester',
      ...extra,
    })
    const membersNamed = async (userName: string) =>
      (await f.app.inject({ method: 'GET', url: `/org/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, headers: scimHeaders(f.scimToken) })).json() as {
        totalResults: number
        Resources: Record<string, unknown>[]
      }
    const setJit = (on: boolean) => f.connections.update(f.orgId, f.connection.id, undefined, { jitEnabled: on })
    const member = (id: string) => f.store.findUser(f.orgId, id)

    before(async () => {
      f = await createSamlFixture(dialect)
    })
    after(() => f.close())

    it('is off by default: an unknown person is refused and nobody is created', async () => {
      const response = await f.postAcs(f.response('newbie@acme.test', { attributes: claims('newbie@acme.test') }))
      assert.equal(response.statusCode, 403, response.body)
      assert.equal(f.refused.at(-1)!.reason, 'not_provisioned')
      assert.equal((await membersNamed('newbie@acme.test')).totalResults, 0)
    })

    it('when on: creates the member (source sso, the default role, active, claims), emits member.created, logs it and signs them in', async () => {
      await setJit(true)
      const objectId = randomUUID()
      const eventsBefore = (await f.store.readOrgEvents(f.orgId, 0, 10_000)).length
      const response = await f.postAcs(f.response('Jo.Tester@acme.test', { attributes: claims('Jo.Tester@acme.test', { [CLAIM.objectId]: objectId }) }))
      assert.equal(response.statusCode, 200, response.body)
      const login = f.logins.at(-1)!
      const created = (await member(login.memberId))!
      assert.equal(created.userName, 'Jo.Tester@acme.test')
      assert.equal(created.source, 'sso')
      assert.equal(created.role, 'INTERVIEWER')
      assert.equal(created.directoryRole, null)
      assert.equal(created.active, true)
      assert.equal(created.externalId, objectId)
      assert.equal(created.displayName, 'Jo Tester')
      assert.deepEqual(created.emails.map((e) => e.value), ['Jo.Tester@acme.test'])
      assert.equal(created.lastProvisionedAt, null)

      const events = (await f.store.readOrgEvents(f.orgId, 0, 10_000)).slice(eventsBefore)
      assert.deepEqual(events.map((e) => e.type), ['member.created'])
      assert.equal((events[0]!.data as { id: string }).id, created.id)
      assert.equal((events[0]!.data as { source: string }).source, 'sso')

      await f.app.provisioningLog.writer!.flush()
      const { entries } = await f.app.provisioningLog.log.queryLog(f.orgId, { operation: 'create', resource: created.id })
      assert.equal(entries.length, 1)
      assert.equal(entries[0]!.client, 'SAML sign-in (just-in-time)')
      assert.equal(entries[0]!.userName, 'Jo.Tester@acme.test')
      assert.equal(entries[0]!.status, 201)
      assert.equal(entries[0]!.tokenId, null)
      assert.match(entries[0]!.detail ?? '', /just-in-time/)
      assert.ok(entries[0]!.changes.some((c) => c.attribute === 'userName' && c.after === 'Jo.Tester@acme.test'))
    })

    it('with the console\'s own completeLogin, a JIT newcomer (an INTERVIEWER) is signed in without a console session', async () => {
      const { buildApp } = await import('../../src/app.js')
      const app = await buildApp({ config: f.config, store: f.store, logger: false })
      try {
        const response = await app.inject({
          method: 'POST',
          url: `/sso/saml/${f.connection.id}/acs`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ SAMLResponse: f.response('Newcomer@acme.test', { attributes: claims('Newcomer@acme.test') }) }).toString(),
        })
        assert.equal(response.statusCode, 200, response.body)
        assert.match(response.body, /You signed in as Newcomer@acme\.test\./)
        assert.ok(!String(response.headers['set-cookie'] ?? '').includes('roster_session='), 'no console session')
        const created = (await membersNamed('newcomer@acme.test')).Resources[0]!
        assert.equal((await member(created.id as string))!.source, 'sso')
      } finally {
        await app.close()
      }
    })

    it('a second login matches the same member (by objectidentifier, and by NameID) instead of creating another', async () => {
      const first = await f.postAcs(f.response('kim@acme.test', { attributes: claims('kim@acme.test') }))
      assert.equal(first.statusCode, 200, first.body)
      const kim = f.logins.at(-1)!.memberId
      const objectId = (await member(kim))!.externalId!
      const again = await f.postAcs(f.response('kim@acme.test', { attributes: claims('kim@acme.test', { [CLAIM.objectId]: objectId }) }))
      assert.equal(again.statusCode, 200, again.body)
      assert.equal(f.logins.at(-1)!.memberId, kim)
      // The UPN changed in Entra: the object id still finds Kim.
      const renamed = await f.postAcs(f.response('kim.new@acme.test', { attributes: claims('kim.new@acme.test', { [CLAIM.objectId]: objectId }) }))
      assert.equal(renamed.statusCode, 200, renamed.body)
      assert.equal(f.logins.at(-1)!.memberId, kim)
      assert.equal((await membersNamed('kim.new@acme.test')).totalResults, 0, 'nobody new was created')
      assert.equal((await membersNamed('kim@acme.test')).totalResults, 1)
    })

    it('SCIM takes a JIT member over: Entra finds it by userName, PATCHes it, and the role becomes the directory\'s', async () => {
      const response = await f.postAcs(f.response('lee@acme.test', { attributes: claims('lee@acme.test') }))
      assert.equal(response.statusCode, 200, response.body)
      const lee = f.logins.at(-1)!.memberId
      // Entra's matching lookup, then its PATCH of what differs (here the role and the mailNickname externalId).
      const found = await membersNamed('lee@acme.test')
      assert.equal(found.totalResults, 1)
      assert.equal(found.Resources[0]!.id, lee)
      const patch = await f.app.inject({
        method: 'PATCH',
        url: `/org/scim/v2/Users/${lee}`,
        headers: scimHeaders(f.scimToken),
        payload: {
          schemas: [PATCH_SCHEMA],
          Operations: [
            { op: 'Replace', path: 'externalId', value: 'lee' },
            { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:modernloop:2.0:User:modernloopRole', value: 'ML_SCHEDULER' },
          ],
        },
      })
      assert.equal(patch.statusCode, 200, patch.body)
      const after = (await member(lee))!
      assert.equal(after.source, 'scim')
      assert.equal(after.role, 'SCHEDULER')
      assert.equal(after.directoryRole, 'SCHEDULER')
      assert.ok(after.lastProvisionedAt !== null)
      // The member still signs in (by NameID = userName now that externalId is Entra's mailNickname).
      const again = await f.postAcs(f.response('lee@acme.test', { attributes: claims('lee@acme.test') }))
      assert.equal(again.statusCode, 200, again.body)
      assert.equal(f.logins.at(-1)!.memberId, lee)
    })

    it('a SCIM PUT takes a JIT member over too', async () => {
      await f.postAcs(f.response('pat@acme.test', { attributes: claims('pat@acme.test') }))
      const pat = f.logins.at(-1)!.memberId
      const put = await f.app.inject({
        method: 'PUT',
        url: `/org/scim/v2/Users/${pat}`,
        headers: scimHeaders(f.scimToken),
        payload: { schemas: [USER_SCHEMA], userName: 'pat@acme.test', active: true, modernloopRole: 'ADMIN' },
      })
      assert.equal(put.statusCode, 200, put.body)
      const after = (await member(pat))!
      assert.equal(after.source, 'scim')
      assert.equal(after.role, 'ADMIN')
    })

    it('never re-creates a member SCIM deleted, even before the log batch is written, by userName, objectidentifier or email', async () => {
      const objectId = randomUUID()
      const id = await f.createMember({ userName: 'gone@acme.test', externalId: objectId, emails: [{ value: 'gone.mail@acme.test', type: 'work' }] })
      const deleted = await f.app.inject({ method: 'DELETE', url: `/org/scim/v2/Users/${id}`, headers: scimHeaders(f.scimToken) })
      assert.equal(deleted.statusCode, 204)
      // The provisioning log's own tombstone is still queued in memory (written off the request path)...
      assert.equal(await f.app.provisioningLog.log.tombstone(f.orgId, id), null)
      assert.ok(f.app.provisioningLog.writer!.pending > 0)
      // ...and the sign-in is refused all the same: the deletion's tombstone committed with the DELETE.
      const byName = await f.postAcs(f.response('GONE@acme.test', { attributes: claims('GONE@acme.test') }))
      assert.equal(byName.statusCode, 403, byName.body)
      assert.match(byName.body, /removed by your organization&#39;s directory|removed by your organization's directory/)
      assert.match(byName.body, /IT admin/)
      assert.equal(f.refused.at(-1)!.reason, 'deleted_by_directory')
      assert.equal(f.refused.at(-1)!.memberId, id)
      assert.equal(loggedReasons(f.logs).at(-1), 'deleted_by_directory')

      const byObjectId = await f.postAcs(f.response('gone.renamed@acme.test', { attributes: claims('gone.renamed@acme.test', { [CLAIM.objectId]: objectId, [CLAIM.email]: 'x1@elsewhere.test' }) }))
      assert.equal(byObjectId.statusCode, 403, byObjectId.body)
      assert.equal(f.refused.at(-1)!.reason, 'deleted_by_directory')
      const byEmail = await f.postAcs(f.response('someone@acme.test', { attributes: claims('someone@acme.test', { [CLAIM.email]: 'Gone.Mail@acme.test' }) }))
      assert.equal(byEmail.statusCode, 403, byEmail.body)
      assert.equal(f.refused.at(-1)!.reason, 'deleted_by_directory')
      for (const name of ['gone@acme.test', 'gone.renamed@acme.test', 'someone@acme.test']) assert.equal((await membersNamed(name)).totalResults, 0, name)

      // Once written, the log holds the delete (the tombstone an admin reads) and each refusal, with its reason.
      await f.app.provisioningLog.writer!.flush()
      assert.equal((await f.app.provisioningLog.log.tombstone(f.orgId, id))?.userName, 'gone@acme.test')
      const refusals = await f.app.provisioningLog.log.queryLog(f.orgId, { text: 'deleted_by_directory' })
      assert.equal(refusals.entries.length, 3)
      assert.equal(refusals.entries[0]!.status, 403)

      // SCIM may bring the person back (the directory decides); then they sign in as that member.
      const back = await f.createMember({ userName: 'gone@acme.test', externalId: objectId })
      const signedIn = await f.postAcs(f.response('gone@acme.test', { attributes: claims('gone@acme.test', { [CLAIM.objectId]: objectId }) }))
      assert.equal(signedIn.statusCode, 200, signedIn.body)
      assert.equal(f.logins.at(-1)!.memberId, back)
    })

    it('never re-creates a deleted member whose userName was an address, signing in with a new UPN and that address as email claim', async () => {
      // No emails in SCIM: the deletion's only address is its userName key.
      const id = await f.createMember({ userName: 'addr.only@acme.test' })
      const deleted = await f.app.inject({ method: 'DELETE', url: `/org/scim/v2/Users/${id}`, headers: scimHeaders(f.scimToken) })
      assert.equal(deleted.statusCode, 204)
      const renamed = await f.postAcs(f.response('new.upn@acme.test', { attributes: claims('new.upn@acme.test', { [CLAIM.email]: 'Addr.Only@acme.test' }) }))
      assert.equal(renamed.statusCode, 403, renamed.body)
      assert.equal(f.refused.at(-1)!.reason, 'deleted_by_directory')
      assert.equal((await membersNamed('new.upn@acme.test')).totalResults, 0)
    })

    it('refuses a deactivated member with JIT on, and does not create another', async () => {
      const id = await f.createMember({ userName: 'dana@acme.test' })
      const patch = await f.app.inject({
        method: 'PATCH',
        url: `/org/scim/v2/Users/${id}`,
        headers: scimHeaders(f.scimToken),
        payload: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
      })
      assert.equal(patch.statusCode, 200)
      const response = await f.postAcs(f.response('dana@acme.test', { attributes: claims('dana@acme.test') }))
      assert.equal(response.statusCode, 403, response.body)
      assert.equal(f.refused.at(-1)!.reason, 'deactivated')
      assert.equal((await membersNamed('dana@acme.test')).totalResults, 1)
      assert.equal((await member(id))!.active, false)
    })

    it('two simultaneous first logins of one person create one member, and both sign in as it', async () => {
      const objectId = randomUUID()
      const loginsBefore = f.logins.length
      const responses = await Promise.all(
        Array.from({ length: 4 }, () => f.postAcs(f.response('twin@acme.test', { attributes: claims('twin@acme.test', { [CLAIM.objectId]: objectId }) }))),
      )
      for (const response of responses) assert.equal(response.statusCode, 200, response.body)
      const ids = new Set(f.logins.slice(loginsBefore).map((login) => login.memberId))
      assert.equal(ids.size, 1)
      assert.equal((await membersNamed('twin@acme.test')).totalResults, 1)
      const created = (await f.store.readOrgEvents(f.orgId, 0, 10_000)).filter((e) => e.type === 'member.created' && (e.data as { id: string }).id === [...ids][0])
      assert.equal(created.length, 1)
    })

    it('the unique userName decides a race: the second creation of one userName reports "taken" (then the login matches again)', async () => {
      const { directoryServices } = await import('../../src/directory/directory-services.js')
      const { systemClock } = await import('../../src/lib/clock.js')
      const { members } = directoryServices(f.store, { clock: systemClock })
      const input = { userName: 'race@acme.test', tombstoneKeys: { userNames: ['race@acme.test'], externalIds: [], emails: [] } }
      const actor = { kind: 'sso' as const, id: f.connection.id }
      const [a, b] = await Promise.all([members.addSsoMember(f.orgId, input, actor), members.addSsoMember(f.orgId, { ...input, userName: 'RACE@acme.test' }, actor)])
      assert.deepEqual([a.kind, b.kind].sort(), ['created', 'taken'])
      assert.equal((await membersNamed('race@acme.test')).totalResults, 1)
    })

    it('a member SCIM created after the login was matched (same objectidentifier or email, another userName) makes creation "taken", never a second member', async () => {
      const { directoryServices } = await import('../../src/directory/directory-services.js')
      const { systemClock } = await import('../../src/lib/clock.js')
      const { members, users } = directoryServices(f.store, { clock: systemClock })
      const actor = { kind: 'sso' as const, id: f.connection.id }
      // What SCIM wrote between matchMember's reads and the creation's transaction: a deactivated person.
      await users.create(f.orgId, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'late.scim@acme.test', externalId: 'oid-late-1', active: false, emails: [{ value: 'late.mail@acme.test', type: 'work' }] })
      const byObjectId = await members.addSsoMember(f.orgId, { userName: 'late.upn@acme.test', externalId: 'oid-late-1', tombstoneKeys: { userNames: ['late.upn@acme.test'], externalIds: ['oid-late-1'], emails: [] } }, actor)
      const byEmail = await members.addSsoMember(f.orgId, { userName: 'late.upn2@acme.test', email: 'LATE.mail@acme.test', tombstoneKeys: { userNames: ['late.upn2@acme.test'], externalIds: [], emails: ['LATE.mail@acme.test'] } }, actor)
      assert.deepEqual([byObjectId.kind, byEmail.kind], ['taken', 'taken'])
      assert.equal((await membersNamed('late.upn@acme.test')).totalResults, 0)
      assert.equal((await membersNamed('late.upn2@acme.test')).totalResults, 0)
    })

    it('takes the userName from the UPN claim when the NameID is an opaque persistent id', async () => {
      const response = await f.postAcs(
        f.response('AAAAAAAAAAAAAAAAAAAAAIZT4NQ8sQr1n2s', {
          nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
          attributes: claims('opaque.person@acme.test', { [CLAIM.email]: 'op@acme.test' }),
        }),
      )
      assert.equal(response.statusCode, 200, response.body)
      const created = (await member(f.logins.at(-1)!.memberId))!
      assert.equal(created.userName, 'opaque.person@acme.test')
      assert.equal((await membersNamed('AAAAAAAAAAAAAAAAAAAAAIZT4NQ8sQr1n2s')).totalResults, 0)

      const nothingUsable = await f.postAcs(
        f.response('AAAAAAAAAAAAAAAAAAAAAXYZ', { nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', attributes: { [CLAIM.objectId]: randomUUID() } }),
      )
      assert.equal(nothingUsable.statusCode, 403, nothingUsable.body)
      assert.equal(f.refused.at(-1)!.reason, 'not_provisioned')
      assert.match(f.refused.at(-1)!.detail, /opaque/)
    })

    it('refuses (403, never 500) a newcomer whose NameID cannot be a userName, and creates nothing', async () => {
      const long = `${'x'.repeat(2100)}@acme.test`
      const response = await f.postAcs(f.response(long, { attributes: claims(long) }))
      assert.equal(response.statusCode, 403, response.body)
      assert.equal(f.refused.at(-1)!.reason, 'not_provisioned')
      assert.match(f.refused.at(-1)!.detail, /just-in-time creation refused/)
    })

    it('does not create members in another organization, and JIT off again refuses newcomers', async () => {
      const other = await f.createOrg('Globex')
      const globexMember = await f.createMember({ userName: 'sam@globex.test' }, other.scimToken)
      // A Globex member signing in at Acme's connection is a newcomer to Acme, never Globex's member.
      const response = await f.postAcs(f.response('sam@globex.test', { attributes: claims('sam@globex.test') }))
      assert.equal(response.statusCode, 200, response.body)
      assert.notEqual(f.logins.at(-1)!.memberId, globexMember)
      assert.equal((await member(f.logins.at(-1)!.memberId))!.orgId, f.orgId)

      await setJit(false)
      const refused = await f.postAcs(f.response('late@acme.test', { attributes: claims('late@acme.test') }))
      assert.equal(refused.statusCode, 403)
      assert.equal(f.refused.at(-1)!.reason, 'not_provisioned')
      assert.equal((await membersNamed('late@acme.test')).totalResults, 0)
    })

    it('tombstones last as long as the log keeps entries: retention deletes older ones', async () => {
      const old = '2000-01-01T00:00:00.000Z'
      await f.store.insertUserTombstone({ orgId: f.orgId, userId: 'usr_old', userName: 'ancient@acme.test', externalId: null, emails: [], deletedAt: old })
      assert.equal((await f.store.findUserTombstone(f.orgId, { userNames: ['ANCIENT@acme.test'], externalIds: [], emails: [] }))?.userId, 'usr_old')
      await f.app.provisioningLog.retention.runOnce()
      assert.equal(await f.store.findUserTombstone(f.orgId, { userNames: ['ancient@acme.test'], externalIds: [], emails: [] }), undefined)
      // A recent one stays.
      assert.ok(await f.store.findUserTombstone(f.orgId, { userNames: ['gone@acme.test'], externalIds: [], emails: [] }))
    })

    it('tombstones belong to their organization: another one never sees them, and they go with it', async () => {
      const other = await f.createOrg('Initech')
      const id = await f.createMember({ userName: 'milton@initech.test' }, other.scimToken)
      assert.equal((await f.app.inject({ method: 'DELETE', url: `/org/scim/v2/Users/${id}`, headers: scimHeaders(other.scimToken) })).statusCode, 204)
      const keys = { userNames: ['milton@initech.test'], externalIds: [], emails: [] }
      assert.equal((await f.store.findUserTombstone(other.orgId, keys))?.userId, id)
      assert.equal(await f.store.findUserTombstone(f.orgId, keys), undefined)
      assert.equal(await f.store.deleteOrganization(other.orgId), true)
      assert.equal(await f.store.findUserTombstone(other.orgId, keys), undefined)
    })
  })
}
