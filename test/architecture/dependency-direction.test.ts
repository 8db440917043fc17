import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * The README's dependency rule, enforced: `scim/` is pure protocol, the domain (`directory/`, `orgs/`) never reaches
 * into persistence or HTTP, `store/` never into HTTP, and HTTP never into the store. Only the composition roots
 * (`app.ts`, `main.ts`, `cli.ts`) see every layer.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')

/** Which top-level folders of src/ each layer may import (itself always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  scim: ['lib'],
  events: ['lib'],
  directory: ['events', 'orgs', 'scim', 'lib'],
  orgs: ['scim', 'lib'],
  provisioning: ['directory', 'scim', 'lib'],
  sso: ['directory', 'orgs', 'scim', 'lib'],
  oidc: ['directory', 'orgs', 'events', 'sso', 'scim', 'lib'],
  store: ['directory', 'orgs', 'events', 'provisioning', 'sso', 'oidc', 'scim', 'lib'],
  http: ['directory', 'orgs', 'events', 'provisioning', 'sso', 'oidc', 'scim', 'lib', 'config.ts'],
}
const COMPOSITION_ROOTS = new Set(['app.ts', 'main.ts', 'cli.ts', 'config.ts'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!

/** Relative import specifiers of a module (static `import … from` and `export … from`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!)
}

describe('architecture', () => {
  it('keeps every import inside its layer\'s allowed dependencies', () => {
    const violations: string[] = []
    const files = sourceFiles(SRC)
    assert.ok(files.length > 50, 'the source tree was found')
    for (const file of files) {
      const layer = layerOf(file)
      if (COMPOSITION_ROOTS.has(layer)) continue
      const allowed = ALLOWED[layer]
      assert.ok(allowed, `src/${layer} has no rule: add it to ALLOWED (and to the README's architecture section)`)
      for (const specifier of importsOf(file)) {
        const target = layerOf(resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
        if (target !== layer && !allowed.includes(target)) violations.push(`${relative(SRC, file)} imports ${specifier} (${layer} → ${target})`)
      }
    }
    assert.deepEqual(violations, [])
  })
})
