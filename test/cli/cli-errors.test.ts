import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { assertCliError, jsonOutput, runCli, type ProcessResult } from './cli-process.js'

// Issue 2 §5: "on error it exits non-zero with a clear message on stderr" (and, with --json, nothing on stdout).
describe('CLI errors', { concurrency: true }, () => {
  for (const dialect of DIALECTS) {
    describe(`${dialect}: CLI errors`, { concurrency: true }, () => {
      let database: Awaited<ReturnType<typeof openTestStore>>
      let cli: (...args: string[]) => Promise<ProcessResult>
      before(async () => {
        database = await openTestStore(dialect)
        cli = (...args) => runCli(database.databaseUrl, args)
      })
      after(() => database.close())

      test('errors that involve the database exit non-zero with a clear message on stderr and nothing on stdout', async () => {
        const org = jsonOutput<{ id: string }>(await cli('org', 'create', '--name', 'Errors Org', '--json'), 'org create')
        const [tokenForNobody, tokensOfNobody, membersOfNobody, unknownToken] = await Promise.all([
          cli('scim-token', 'create', '--org', 'org_doesnotexist', '--json'),
          cli('scim-token', 'list', '--org', 'org_doesnotexist', '--json'),
          cli('member', 'list', '--org', 'org_doesnotexist', '--json'),
          cli('scim-token', 'revoke', '--org', org.id, '--id', 'tok_doesnotexist'),
        ])
        assertCliError(tokenForNobody, 'scim-token create for an unknown org', /org_doesnotexist/)
        assertCliError(tokensOfNobody, 'scim-token list for an unknown org', /org_doesnotexist/)
        assertCliError(membersOfNobody, 'member list for an unknown org', /org_doesnotexist/)
        assertCliError(unknownToken, 'scim-token revoke of an unknown token', /tok_doesnotexist/)
      })

      // Usage errors never reach the database engine.
      if (dialect === 'sqlite') {
        test('usage errors exit non-zero with a clear message on stderr and nothing on stdout', async () => {
          const [noName, blankName, unknownCommand] = await Promise.all([
            cli('org', 'create', '--json'),
            cli('org', 'create', '--name', '   ', '--json'),
            cli('frobnicate', '--json'),
          ])
          assertCliError(noName, 'org create without --name', /--name/)
          assertCliError(blankName, 'org create with a blank name', /name/i)
          assertCliError(unknownCommand, 'an unknown command', /unknown command|frobnicate/i)
        })

        // The README sends newcomers to `npm run cli -- --help`: asking for help is not an error (npm would print
        // "command failed" under it), and every command says in its help what it does.
        test('--help exits 0 and describes every command', async () => {
          const [top, sso, create, org] = await Promise.all([cli('--help'), cli('sso', 'connection', '--help'), cli('sso', 'connection', 'create', '--help'), cli('org', '--help')])
          for (const [result, what] of [[top, '--help'], [sso, 'sso connection --help'], [create, 'sso connection create --help'], [org, 'org --help']] as const) {
            assert.equal(result.code, 0, `${what} exits 0: ${result.stderr}`)
            assert.match(result.stdout, /^Usage: roster /m, `${what} prints its usage on stdout`)
            assert.equal(result.stderr, '', `${what} writes nothing on stderr`)
          }
          assert.match(create.stdout, /--metadata-url <url>/)
          for (const [result, what] of [[top, 'roster'], [sso, 'sso connection'], [org, 'org']] as const) {
            const commands = result.stdout.split(/^Commands:\n/m)[1]!.split('\n').filter((line) => /^ {2}\S/.test(line))
            assert.ok(commands.length > 0, `${what} lists its commands`)
            for (const line of commands) {
              if (line.trim().startsWith('help ')) continue
              assert.match(line, /\S\s{2,}\S/, `${what}: "${line.trim()}" has a description`)
            }
          }
        })
      }
    })
  }
})
