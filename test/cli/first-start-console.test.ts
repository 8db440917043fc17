import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { freePort, runProcess, startServer, type ServerProcess } from './cli-process.js'

// Issue 8 §1: the first start also tells the admin how to reach the console; with ADMIN_EMAIL it prints a working
// one-time sign-in link for that admin, added as a manual ADMIN member.
describe('first start and the console', () => {
  const running: ServerProcess[] = []
  const dirs: string[] = []
  after(async () => {
    await Promise.all(running.map((server) => server.stop()))
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  async function firstStart(env: Record<string, string>): Promise<{ output: string; baseUrl: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'roster-first-console-'))
    dirs.push(dir)
    const port = await freePort()
    const server = startServer({ DATABASE_URL: `sqlite:${join(dir, 'r.db')}`, HOST: '127.0.0.1', PORT: String(port), ...env })
    running.push(server)
    // A cold tsx start on a loaded 2-core machine can take a while; the bound stays finite.
    const output = await server.waitForOutput(/Console: [\s\S]*\n\n/, 60_000)
    return { output, baseUrl: `http://127.0.0.1:${port}` }
  }

  test('with ADMIN_EMAIL: a one-time link that signs the new admin in', async () => {
    const { output, baseUrl } = await firstStart({ ADMIN_EMAIL: 'ada@example.com' })
    assert.match(output, new RegExp(`Console: ${baseUrl}/`))
    assert.match(output, /Added ada@example\.com as an ADMIN member/)
    const link = new RegExp(`${baseUrl}/sign-in/link#(login_\\S+)`).exec(output)
    assert.ok(link, output)
    const signIn = () =>
      fetch(`${baseUrl}/console/sign-in/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: link[1] }),
        signal: AbortSignal.timeout(5000),
      })
    const first = await signIn()
    assert.equal(first.status, 200)
    assert.match(first.headers.get('set-cookie') ?? '', /^roster_session=.*HttpOnly/)
    assert.equal((await signIn()).status, 401, 'the link works once')
  })

  test('without ADMIN_EMAIL: the command that makes a link, with the organization id filled in', async () => {
    const { output } = await firstStart({})
    const orgId = /organization "Default organization" \((org_\w+)\)/.exec(output)?.[1]
    assert.ok(orgId, output)
    assert.ok(output.includes(`npm run --silent cli -- admin login-link --org ${orgId} --email you@example.com`), output)
  })

  // A newcomer copies the printed command into another shell, which has none of the server's variables: the command
  // must reach the server's database and print a link to the server's own address, not to the default port 8080.
  test('the printed sign-in command works as printed, on a non-default database and port', async () => {
    const { output, baseUrl } = await firstStart({})
    const command = /^ {2}(.*admin login-link .*)$/m.exec(output)?.[1]
    assert.ok(command, output)
    const result = await runProcess('sh', ['-c', command.replace('you@example.com', 'grace@example.com')], {})
    assert.equal(result.code, 0, result.stderr)
    const link = new RegExp(`${baseUrl}/sign-in/link#(login_\\S+)`).exec(result.stdout)
    assert.ok(link, `a link to ${baseUrl}:\n${result.stdout}`)
    const signIn = await fetch(`${baseUrl}/console/sign-in/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: link[1] }),
      signal: AbortSignal.timeout(5000),
    })
    assert.equal(signIn.status, 200)
  })
})
