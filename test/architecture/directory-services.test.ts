import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * Member events are only as complete as the places that build the member-changing services: outside the factory
 * (src/directory/directory-services.ts, which gives each the outbox hook), src/ must never construct them itself.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')
const FACTORY = 'directory/directory-services.ts'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('the directory services factory', () => {
  it('is the only place in src/ that constructs Members, RoleManagementSettings or UserDirectory', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => relative(SRC, file) !== FACTORY)
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/new\s+(Members|RoleManagementSettings|UserDirectory)\s*\(/g)].map((m) => `${relative(SRC, file)}: new ${m[1]}`))
    assert.deepEqual(offenders, [], 'build these through directoryServices() so they get the events outbox hook')
    assert.match(readFileSync(join(SRC, FACTORY), 'utf8'), /new Members\(/, 'the factory itself still builds them')
  })
})
