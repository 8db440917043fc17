import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { entraCreateBody } from '../conformance/support/scim-client.js'
import { createTestApp, scimHeaders, type TestApp } from '../helpers/build-test-app.js'
import { DIALECTS } from '../helpers/dialects.js'
import { textKey } from '../../src/store/text-key.js'

describe('text keys', () => {
  test('are case-folded, not lower-cased, and folding is stable', () => {
    assert.equal(textKey('ΟΔΥΣΣΕΥΣ'), textKey('οδυσσευσ'))
    assert.equal(textKey('Straße'), textKey('STRASSE'))
    assert.equal(textKey('ﬁle'), textKey('FILE'))
    assert.equal(textKey('Rene\u0301e'), textKey('RENÉE'))
    for (const text of ['ΟΔΥΣΣΕΥΣ', 'Straße', 'İstanbul', 'ǅemal', 'ᾳ']) assert.equal(textKey(textKey(text)), textKey(text))
  })
})

for (const dialect of DIALECTS) {
  describe(`keys and text give the same answer on every engine (${dialect})`, () => {
    let roster: TestApp
    const send = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
      roster.app.inject({ method, url: `/org/scim/v2${url}`, headers: scimHeaders(roster.token), ...(payload === undefined ? {} : { payload: payload as object }) })
    const sendRaw = (method: 'POST' | 'PATCH', url: string, payload: string) =>
      roster.app.inject({ method, url: `/org/scim/v2${url}`, headers: scimHeaders(roster.token), payload })

    before(async () => {
      roster = await createTestApp(dialect)
    })
    after(() => roster.close())

    test('names equal under Unicode case folding are one name (409), and a lookup finds either spelling', async () => {
      assert.equal((await send('POST', '/Users', entraCreateBody('ΟΔΥΣΣΕΥΣ'))).statusCode, 201)
      const second = await send('POST', '/Users', entraCreateBody('οδυσσευσ'))
      assert.equal(second.statusCode, 409, second.body)
      assert.equal(second.json().scimType, 'uniqueness')
      const found = await send('GET', `/Users?filter=${encodeURIComponent('userName eq "οδυσσευσ"')}`)
      assert.equal(found.json().totalResults, 1)
      // Filters evaluated in memory (nickName is not indexed) fold the same way as the SQL keys.
      for (const filter of ['userName eq "οδυσσευσ" or nickName eq "none"', 'userName sw "ΟΔΥΣ" and nickName pr', 'userName co "υσσευσ"']) {
        const response = await send('GET', `/Users?filter=${encodeURIComponent(filter)}`)
        assert.equal(response.statusCode, 200, response.body)
      }
      const created = await send('POST', '/Users', entraCreateBody('Straße@contoso.test', { nickName: 'nick' }))
      assert.equal(created.statusCode, 201)
      for (const filter of ['userName eq "STRASSE@CONTOSO.TEST"', 'userName eq "strasse@contoso.test" or nickName eq "none"', 'userName sw "STRASS" and nickName pr']) {
        const response = await send('GET', `/Users?filter=${encodeURIComponent(filter)}`)
        assert.equal(response.json().totalResults, 1, filter)
      }
      assert.equal((await send('POST', '/Groups', { displayName: 'Straße' })).statusCode, 201)
      assert.equal((await send('POST', '/Groups', { displayName: 'STRASSE' })).statusCode, 409)
    })

    test('a userName under the byte limit whose normalized key is over it is 400 on both engines, not 500', async () => {
      const userName = 'İ'.repeat(1000) // 2,000 bytes; its folded key "i̇" is 3 bytes per letter
      assert.equal(Buffer.byteLength(userName), 2000)
      const response = await send('POST', '/Users', entraCreateBody(userName))
      assert.equal(response.statusCode, 400, response.body)
      assert.equal(response.json().scimType, 'invalidValue')
      assert.match(response.json().detail, /normalized/)
      const group = await send('POST', '/Groups', { displayName: 'Ⱥ'.repeat(1000) })
      assert.equal(group.statusCode, 400, group.body)
    })

    test('strings with unpaired UTF-16 surrogates are 400 invalidValue, in values and keys, on create and PATCH', async () => {
      for (const body of [
        '{"userName":"lone\\ud800surrogate@contoso.test"}',
        '{"userName":"trail\\udc00@contoso.test"}',
        '{"userName":"ok@contoso.test","displayName":"\\uDBFF"}',
        '{"userName":"ok2@contoso.test","\\ud800":"x"}',
      ]) {
        const response = await sendRaw('POST', '/Users', body)
        assert.equal(response.statusCode, 400, `${body}: ${response.body}`)
        assert.equal(response.json().scimType, 'invalidValue')
        assert.match(response.json().detail, /unpaired UTF-16 surrogate/)
      }
      // A correctly paired surrogate (an emoji written as an escape) is fine.
      assert.equal((await sendRaw('POST', '/Users', '{"userName":"smile\\ud83d\\ude00@contoso.test"}')).statusCode, 201)
      const id = (await send('POST', '/Users', entraCreateBody('patched@contoso.test'))).json().id
      const patch = await sendRaw('PATCH', `/Users/${id}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"\\ud800"}]}')
      assert.equal(patch.statusCode, 400)
      const search = await sendRaw('POST', '/Users/.search', '{"filter":"userName eq \\"\\ud800\\""}')
      assert.equal(search.statusCode, 400)
    })

    test('.search bodies of the wrong shape are 400, not 500', async () => {
      for (const body of [
        { attributes: [{ toString: 1 }] },
        { attributes: [{ valueOf: 1, toString: 1 }] },
        { excludedAttributes: [[1], null] },
        { filter: { toString: 1 } },
        { count: { a: 1 } },
        { startIndex: [{}] },
      ]) {
        const response = await send('POST', '/Users/.search', body)
        assert.equal(response.statusCode, 400, `${JSON.stringify(body)}: ${response.body}`)
        assert.equal(response.json().schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error')
      }
    })
  })
}
