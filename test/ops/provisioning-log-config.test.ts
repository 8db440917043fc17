import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadConfig } from '../../src/config.js'

describe('provisioning log configuration', () => {
  test('documented defaults', () => {
    assert.deepEqual(loadConfig({}).provisioningLog, {
      enabled: true,
      retentionDays: 30,
      maxRowsPerOrg: 100_000,
      flushIntervalMs: 500,
      batchSize: 500,
      queueLimit: 10_000,
    })
    assert.equal(loadConfig({ PROVISIONING_LOG: 'OFF' }).provisioningLog.enabled, false)
  })

  test('an invalid value names its variable', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ PROVISIONING_LOG: 'no' }, /PROVISIONING_LOG must be on or off/],
      [{ PROVISIONING_LOG_RETENTION_DAYS: '0' }, /PROVISIONING_LOG_RETENTION_DAYS must be an integer from 1/],
      [{ PROVISIONING_LOG_MAX_ROWS: '10' }, /PROVISIONING_LOG_MAX_ROWS must be an integer from 100/],
      [{ PROVISIONING_LOG_BATCH_SIZE: '5000' }, /PROVISIONING_LOG_BATCH_SIZE must be an integer from 1 to 1000/],
      [{ PROVISIONING_LOG_FLUSH_MS: 'soon' }, /PROVISIONING_LOG_FLUSH_MS/],
      [{ PROVISIONING_LOG_QUEUE_LIMIT: '1' }, /PROVISIONING_LOG_QUEUE_LIMIT/],
    ]
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), message, JSON.stringify(env))
  })
})
