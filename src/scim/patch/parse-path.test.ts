import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { ScimError } from '../errors.js'
import { parsePatchPath } from './parse-path.js'

interface Fixtures {
  valid: { source: string; target: unknown }[]
  invalid: { source: string; detail?: string; detailStartsWith?: string }[]
}

const fixtures = JSON.parse(readFileSync(new URL('./parse-path.fixtures.json', import.meta.url), 'utf8')) as Fixtures

/** The parse result without the `raw` texts, which the fixtures leave out to stay readable. */
function withoutRaw(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRaw)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'raw').map(([key, member]) => [key, withoutRaw(member)]))
}

describe('parsePatchPath fixtures', () => {
  for (const { source, target } of fixtures.valid) {
    it(`parses ${JSON.stringify(source)}`, () => assert.deepEqual(withoutRaw(parsePatchPath(source)), target))
  }
  for (const { source, detail, detailStartsWith } of fixtures.invalid) {
    it(`rejects ${JSON.stringify(source)} with 400 invalidPath saying why`, () => {
      assert.throws(
        () => parsePatchPath(source),
        (error: unknown) => {
          assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`)
          assert.equal(error.status, 400)
          assert.equal(error.scimType, 'invalidPath')
          if (detail !== undefined) assert.equal(error.message, detail)
          if (detailStartsWith !== undefined) assert.ok(error.message.startsWith(detailStartsWith), error.message)
          return true
        },
      )
    })
  }
})

describe('parsePatchPath', () => {
  it('keeps the path as the client wrote it in raw, for error details', () => {
    const text = 'emails[type eq "work"].value'
    assert.equal(parsePatchPath(text).raw, text)
  })

  it('never puts a sub-attribute inside attribute', () => {
    const path = parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName')
    assert.equal(path.attribute.subAttribute, undefined)
    assert.equal(path.subAttribute, 'givenname')
  })

  it('rejects a path over 4096 characters without parsing it', () => {
    assert.throws(() => parsePatchPath(`a${'b'.repeat(5000)}`), { name: 'ScimError', scimType: 'invalidPath' })
  })

  it('keeps the filter error as the cause of an invalid value filter', () => {
    assert.throws(
      () => parsePatchPath('emails[type zz "work"]'),
      (error: unknown) => error instanceof ScimError && error.cause instanceof ScimError && error.cause.scimType === 'invalidFilter',
    )
  })
})
