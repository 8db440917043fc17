/**
 * `npm run api:types`: writes the console's API types from the server's own OpenAPI document. Builds the app in
 * process on a throwaway SQLite database, reads GET /api/v1/openapi.json with inject() (nothing listens, nothing is
 * fetched from the network), and runs openapi-typescript on it, producing web/src/api/v1-schema.d.ts (committed, so
 * the typechecker shows every page whose assumptions differ from the API). The paths are written relative to
 * /api/v1, the console client's base URL.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openStore } from '../src/store/open-store.js'

const WEB_API = resolve(import.meta.dirname, '../web/src/api')

const dir = await mkdtemp(join(tmpdir(), 'roster-openapi-'))
try {
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'r.db')}`, LOG_LEVEL: 'silent' })
  const store = await openStore(config.databaseUrl)
  const app = await buildApp({ config, store, logger: false })
  try {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
    if (response.statusCode !== 200) {
      process.stderr.write(`This Roster does not serve /api/v1/openapi.json yet (HTTP ${response.statusCode}); the console keeps web/src/api/v1-paths.ts.\n`)
      process.exitCode = 1
    } else {
      const document = response.json() as { paths: Record<string, unknown> }
      document.paths = Object.fromEntries(Object.entries(document.paths).map(([path, item]) => [path.replace(/^\/api\/v1(?=\/)/, ''), item]))
      const documentPath = join(dir, 'openapi.json')
      await writeFile(documentPath, JSON.stringify(document))
      execFileSync('npx', ['openapi-typescript', documentPath, '-o', join(WEB_API, 'v1-schema.d.ts')], { stdio: 'inherit' })
    }
  } finally {
    await app.close()
    await store.close()
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
