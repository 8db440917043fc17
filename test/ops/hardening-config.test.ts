import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadConfig } from '../../src/config.js'

describe('configuration of timeouts and the request budget', () => {
  test('defaults are documented values', () => {
    const config = loadConfig({})
    assert.equal(config.requestTimeoutMs, 30_000)
    assert.equal(config.headersTimeoutMs, 10_000)
    assert.equal(config.keepAliveTimeoutMs, 72_000)
    assert.equal(config.scimRateLimit, 6000)
    assert.equal(config.scimRateLimitWindowSeconds, 60)
  })

  test('values are read, 0 turns the budget off, and invalid ones stop Roster naming the variable', () => {
    const config = loadConfig({ REQUEST_TIMEOUT_MS: '5000', SCIM_RATE_LIMIT: '0', SCIM_RATE_LIMIT_WINDOW_SECONDS: '10' })
    assert.equal(config.requestTimeoutMs, 5000)
    assert.equal(config.headersTimeoutMs, 5000) // the default never exceeds the request timeout
    assert.equal(config.scimRateLimit, 0)
    assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '2000' }), /HEADERS_TIMEOUT_MS/)
    assert.throws(() => loadConfig({ SCIM_RATE_LIMIT: '-1' }), /SCIM_RATE_LIMIT/)
    assert.throws(() => loadConfig({ SCIM_RATE_LIMIT_WINDOW_SECONDS: '0' }), /SCIM_RATE_LIMIT_WINDOW_SECONDS/)
    assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: 'soon' }), /REQUEST_TIMEOUT_MS/)
  })
})
