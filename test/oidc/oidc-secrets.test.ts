import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { scrubText } from '../../src/provisioning/redact.js'
import { randomSecret } from '../../src/lib/tokens.js'

describe('OpenID Connect secrets in logged text', () => {
  it('client secrets, codes and access tokens are scrubbed from URLs the server logs', () => {
    for (const prefix of ['rcs_', 'rac_', 'rat_']) {
      const secret = `${prefix}${randomSecret()}`
      const scrubbed = scrubText(`/oidc/userinfo?access_token=${secret}&x=1`)
      assert.ok(!scrubbed.includes(secret.slice(4)), prefix)
      assert.match(scrubbed, /\[redacted\]&x=1$/)
    }
    assert.equal(scrubText('/oidc/authorize?client_id=rpc_abc&state=rat'), '/oidc/authorize?client_id=rpc_abc&state=rat')
  })
})
