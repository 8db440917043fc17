import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { entraCreateBody, patchBody, uniqueUserName } from '../conformance/support/scim-client.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'

/** Bounded counts: enough to hit the interleavings that broke (issue 12), small enough for a quick suite. */
const ROUNDS = 30

for (const dialect of DIALECTS) {
  describe(`races and concurrency (${dialect})`, () => {
    let roster: TestApp
    const send = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
      roster.app.inject({ method, url: `/org/scim/v2${url}`, headers: { ...scimHeaders(token), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) })
    const createUser = async (token: string, userName = uniqueUserName('race')): Promise<string> => {
      const response = await send(token, 'POST', '/Users', entraCreateBody(userName))
      assert.equal(response.statusCode, 201, response.body)
      return response.json().id
    }
    const noServerError = (responses: LightMyRequestResponse[]) => {
      for (const response of responses) assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body}`)
    }

    before(async () => {
      roster = await createTestApp(dialect, { env: { SCIM_RATE_LIMIT: '0' } })
    })
    after(() => roster.close())

    test('deleting users while group writes add them: never 500, never a dangling membership, vanished members listed', async () => {
      const groups = await Promise.all([1, 2, 3].map((n) => send(roster.token, 'POST', '/Groups', { displayName: `race-${n}` })))
      const groupIds: string[] = groups.map((group) => group.json().id)
      for (let round = 0; round < ROUNDS; round++) {
        const ids = await Promise.all([createUser(roster.token), createUser(roster.token), createUser(roster.token)])
        const victim = ids[round % 3]!
        const members = ids.map((value) => ({ value }))
        // The victim is already a member of every group, so its delete and the writes below meet on membership rows too.
        for (const groupId of groupIds) {
          await send(roster.token, 'PATCH', `/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value: victim }] }))
        }
        const writes = [
          send(roster.token, 'PATCH', `/Groups/${groupIds[0]}`, patchBody({ op: 'add', path: 'members', value: members })),
          send(roster.token, 'PATCH', `/Groups/${groupIds[1]}`, patchBody({ op: 'replace', path: 'members', value: [...members].reverse() })),
          send(roster.token, 'PUT', `/Groups/${groupIds[2]}`, { displayName: 'race-3', members }),
        ]
        const [deletion, ...responses] = await Promise.all([send(roster.token, 'DELETE', `/Users/${victim}`), ...writes])
        noServerError([deletion!, ...responses])
        assert.equal(deletion!.statusCode, 204, deletion!.body)
        for (const response of responses) {
          if (response.statusCode === 400) {
            // The user was gone before the write locked it: the request names it and changed nothing.
            assert.match(response.json().detail, new RegExp(victim))
          } else {
            assert.ok([200, 204].includes(response.statusCode), response.body)
          }
        }
        // No membership of a deleted user survives, whichever order the two took.
        const filtered = await send(roster.token, 'GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${victim}"]`)}`)
        assert.equal(filtered.json().totalResults, 0, `round ${round}: deleted user still a member`)
      }
    })

    test('If-Match on DELETE is checked in the deleting transaction: a DELETE never removes a version a concurrent PATCH replaced', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = await createUser(roster.token)
        const [patch, deletion] = await Promise.all([
          send(roster.token, 'PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'displayName', value: `v2-${round}` }), { 'if-match': 'W/"1"' }),
          send(roster.token, 'DELETE', `/Users/${id}`, undefined, { 'if-match': 'W/"1"' }),
        ])
        noServerError([patch, deletion])
        // Exactly one of the two wins version 1: a 200 PATCH makes the DELETE 412; a 204 DELETE makes the PATCH 404.
        if (patch.statusCode === 200) assert.equal(deletion.statusCode, 412, `round ${round}: ${deletion.body}`)
        else {
          assert.equal(deletion.statusCode, 204, deletion.body)
          assert.equal(patch.statusCode, 404, patch.body)
        }
      }
    })

    test('deleting a group while its members are patched: never 500', async () => {
      const ids = await Promise.all([createUser(roster.token), createUser(roster.token)])
      for (let round = 0; round < 10; round++) {
        const group = await send(roster.token, 'POST', '/Groups', { displayName: `doomed-${round}`, members: [{ value: ids[0] }] })
        const groupId = group.json().id
        const responses = await Promise.all([
          send(roster.token, 'PATCH', `/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value: ids[1] }] })),
          send(roster.token, 'DELETE', `/Groups/${groupId}`),
          send(roster.token, 'PATCH', `/Groups/${groupId}`, patchBody({ op: 'remove', path: `members[value eq "${ids[0]}"]` })),
        ])
        noServerError(responses)
        assert.equal(responses[1]!.statusCode, 204)
      }
    })

    test('concurrent creates in two organizations: each sees exactly its own users', async () => {
      const other = await roster.createOrg('Other')
      const perOrg = 100
      const created = await Promise.all(
        Array.from({ length: perOrg * 2 }, (_, i) => send(i % 2 ? other.token : roster.token, 'POST', '/Users', entraCreateBody(`tenant-${i}@contoso.test`))),
      )
      noServerError(created)
      const ours = new Set(created.filter((_, i) => i % 2 === 0).map((response) => response.json().id))
      const theirs = new Set(created.filter((_, i) => i % 2 === 1).map((response) => response.json().id))
      for (const [token, own, foreign] of [[roster.token, ours, theirs], [other.token, theirs, ours]] as const) {
        const list = await send(token, 'GET', `/Users?filter=${encodeURIComponent('userName sw "tenant-"')}&count=1000`)
        const seen: string[] = list.json().Resources.map((user: { id: string }) => user.id)
        assert.equal(seen.length, perOrg)
        assert.ok(seen.every((id) => own.has(id) && !foreign.has(id)))
      }
    })

    test('parallel creates of one userName (any case, any normalization): exactly one 201, the rest 409', async () => {
      const spellings = ['Renée@contoso.test', 'RENÉE@CONTOSO.TEST', 'rene\u0301e@contoso.test', 'renée@contoso.test']
      const responses = await Promise.all(Array.from({ length: 24 }, (_, i) => send(roster.token, 'POST', '/Users', entraCreateBody(spellings[i % spellings.length]!))))
      noServerError(responses)
      assert.equal(responses.filter((response) => response.statusCode === 201).length, 1)
      assert.equal(responses.filter((response) => response.statusCode === 409).length, 23)
    })

    test('concurrent membership PATCHes of one group lose nothing', async () => {
      const ids = await Promise.all(Array.from({ length: 40 }, () => createUser(roster.token)))
      const group = await send(roster.token, 'POST', '/Groups', { displayName: `busy-${dialect}` })
      const groupId = group.json().id
      const responses = await Promise.all(
        ids.map((value) => send(roster.token, 'PATCH', `/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value }] }))),
      )
      noServerError(responses)
      const read = await send(roster.token, 'GET', `/Groups/${groupId}`)
      const members = new Set(read.json().members.map((member: { value: string }) => member.value))
      assert.deepEqual([...ids].filter((id) => !members.has(id)), [])
      assert.equal(members.size, ids.length)
    })
  })
}
