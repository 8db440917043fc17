import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { retryDelayMs } from '../../src/events/webhooks/backoff.js'
import { loadConfig } from '../../src/config.js'

describe('webhook retry schedule', () => {
  const defaults = loadConfig({}).webhooks

  it('retries first within about five seconds, then grows to about a day over the default attempts', () => {
    const middle = () => 0.5
    assert.equal(retryDelayMs(1, defaults, middle), 5_000)
    const delays = Array.from({ length: defaults.maxAttempts - 1 }, (_, i) => retryDelayMs(i + 1, defaults, middle))
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]!, 'never shrinks')
    const totalHours = delays.reduce((a, b) => a + b, 0) / 3_600_000
    assert.ok(totalHours > 20 && totalHours < 36, `about a day in all: ${totalHours.toFixed(1)} h`)
    assert.ok(Math.max(...delays) <= defaults.retryMaxDelayMs)
  })

  it('jitters by ±20%', () => {
    assert.equal(retryDelayMs(1, defaults, () => 0), 4_000)
    assert.equal(retryDelayMs(1, defaults, () => 1), 6_000)
  })

  it('reads its settings from the environment, refusing nonsense', () => {
    const config = loadConfig({ WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', EVENT_RETENTION_DAYS: '7' })
    assert.equal(config.webhooks.retryBaseMs, 50)
    assert.equal(config.webhooks.maxAttempts, 3)
    assert.equal(config.webhooks.allowPrivateUrls, true)
    assert.equal(config.eventRetentionDays, 7)
    assert.equal(defaults.allowPrivateUrls, false)
    assert.throws(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' }), /WEBHOOK_ALLOW_PRIVATE_URLS must be true or false/)
    assert.throws(() => loadConfig({ EVENT_RETENTION_DAYS: '0' }), /EVENT_RETENTION_DAYS/)
  })
})
