import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { cliEnvironmentPrefix, loadConfig } from '../../src/config.js'

describe('configuration', () => {
  test('defaults make a local Roster on SQLite at 127.0.0.1:8080', () => {
    const config = loadConfig({})
    assert.equal(config.databaseUrl, 'sqlite:./data/roster.db')
    assert.equal(config.publicUrl, 'http://127.0.0.1:8080')
    assert.equal(config.defaultPageSize, 100)
    assert.ok(Object.isFrozen(config))
  })

  test('PUBLIC_URL sets the Tenant URL base, without a trailing slash', () => {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://roster.example.com/' }).publicUrl, 'https://roster.example.com')
  })

  test('an invalid value stops Roster with a message naming the variable', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT must be an integer/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with/],
      [{ PUBLIC_URL: 'roster.example.com' }, /PUBLIC_URL must be an http\(s\) URL/],
      [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
      [{ DEFAULT_PAGE_SIZE: '5000' }, /DEFAULT_PAGE_SIZE \(5000\) must not exceed MAX_PAGE_SIZE \(1000\)/],
      [{ MAX_BODY_BYTES: '10' }, /MAX_BODY_BYTES must be an integer from 1024/],
    ]
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), message, JSON.stringify(env))
  })

  test('commands Roster prints carry the variables the CLI needs, never a database password', () => {
    assert.equal(cliEnvironmentPrefix({}), '')
    assert.equal(
      cliEnvironmentPrefix({ DATABASE_URL: 'sqlite:/tmp/my data/r.db', PORT: '3001', HOST: '127.0.0.1', LOG_LEVEL: 'debug' }),
      "DATABASE_URL='sqlite:/tmp/my data/r.db' HOST=127.0.0.1 PORT=3001 ",
    )
    const withPassword = cliEnvironmentPrefix({ DATABASE_URL: 'postgres://roster:s3cret@db:5432/roster', PUBLIC_URL: 'https://roster.example.com' })
    assert.equal(withPassword, 'DATABASE_URL="$DATABASE_URL" PUBLIC_URL=https://roster.example.com ')
    assert.ok(!withPassword.includes('s3cret'))
    assert.equal(cliEnvironmentPrefix({ DATABASE_URL: 'postgres://db/roster' }), 'DATABASE_URL=postgres://db/roster ')
  })
})
