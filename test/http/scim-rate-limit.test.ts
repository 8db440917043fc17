import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { OrgTokenBuckets } from '../../src/http/scim/org-rate-limit.js'

const BUDGET = 30

describe('per-organization token buckets', () => {
  test('allow a burst of the budget, refill steadily, say how long to wait, and keep organizations apart', () => {
    let now = 0
    const buckets = new OrgTokenBuckets({ max: 6, windowSeconds: 60 }, () => now)
    for (let i = 0; i < 6; i++) assert.equal(buckets.take('a'), 0)
    assert.equal(buckets.take('a'), 10) // one request per 10 s
    assert.equal(buckets.take('b'), 0)
    now += 9_000
    assert.equal(buckets.take('a'), 1)
    now += 1_000
    assert.equal(buckets.take('a'), 0)
    now += 3_600_000
    for (let i = 0; i < 6; i++) assert.equal(buckets.take('a'), 0) // never more than the budget stored up
    assert.ok(buckets.take('a') > 0)
  })
})

for (const dialect of DIALECTS) {
  describe(`fair share between organizations (${dialect})`, () => {
    let roster: TestApp
    before(async () => {
      roster = await createTestApp(dialect, { env: { SCIM_RATE_LIMIT: String(BUDGET), SCIM_RATE_LIMIT_WINDOW_SECONDS: '60' } })
    })
    after(() => roster.close())
    const get = (token: string, url = '/Users?count=1') => roster.app.inject({ method: 'GET', url: `/org/scim/v2${url}`, headers: scimHeaders(token) })

    test('an organization over its budget gets 429 with a SCIM error and Retry-After, while another is served normally', async () => {
      const quiet = await roster.createOrg('Quiet')
      const burst = await Promise.all(Array.from({ length: BUDGET + 10 }, () => get(roster.token)))
      const ok = burst.filter((response) => response.statusCode === 200)
      const throttled = burst.filter((response) => response.statusCode === 429)
      // The bucket refills by half a request per second meanwhile, so a slow machine may let one or two more through.
      assert.ok(ok.length >= BUDGET && ok.length <= BUDGET + 2, `${ok.length} served`)
      assert.equal(ok.length + throttled.length, burst.length)
      const refusal = throttled[0]!
      assert.match(String(refusal.headers['content-type']), /application\/scim\+json/)
      assert.equal(refusal.json().schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error')
      assert.equal(refusal.json().status, '429')
      assert.match(refusal.json().detail, /SCIM_RATE_LIMIT/)
      const retryAfter = Number(refusal.headers['retry-after'])
      assert.ok(retryAfter > 0 && retryAfter <= 60, String(refusal.headers['retry-after']))
      // The other organization is untouched, writes included.
      for (let i = 0; i < 10; i++) assert.equal((await get(quiet.token)).statusCode, 200)
      const created = await roster.app.inject({ method: 'POST', url: '/org/scim/v2/Users', headers: scimHeaders(quiet.token), payload: { userName: 'quiet@contoso.test' } })
      assert.equal(created.statusCode, 201)
      // Discovery needs no token and counts against no one; a bad token is refused before it could spend a budget.
      assert.equal((await roster.app.inject({ method: 'GET', url: '/org/scim/v2/ServiceProviderConfig' })).statusCode, 200)
      assert.equal((await get('scimtok_unknown.x')).statusCode, 401)
    })
  })
}
