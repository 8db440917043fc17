import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DIALECTS } from '../helpers/dialects.js'
import { chromiumSkipReason, launchChromium, NARROW, screenshot, seriousViolations, WIDE } from './support/chromium.js'
import { startConsoleServer, type ConsoleServer } from './support/console-server.js'

const skip = chromiumSkipReason()

/** A fresh browser context (no cookies) that records every CSP violation and page error. */
async function openPage(browser: Browser, viewport = WIDE): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const problems: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  return { context, page, problems }
}

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const violations = await seriousViolations(page)
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe-core found serious violations on ${where}`,
  )
}

// Issue 8 §1, §5, §8, §9: sign-in through a login link, the shell, the setup guide, sign-out, refused links, and a
// deactivated admin signed out on the next request, in Debian's Chromium.
describe('the console in Chromium', { skip, concurrency: false }, () => {
  let browser: Browser
  before(async () => {
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
  })

  for (const dialect of DIALECTS) {
    describe(dialect, { concurrency: false }, () => {
      let server: ConsoleServer
      before(async () => {
        server = await startConsoleServer(dialect)
      })
      after(async () => {
        await server?.close()
      })

      test('sign in through a login link, see the shell and the setup guide with this Tenant URL, then sign out', async () => {
        const { context, page, problems } = await openPage(browser)
        try {
          await page.goto(await server.loginLink())
          await page.waitForURL(`${server.baseUrl}/setup`)
          await page.getByRole('heading', { level: 1, name: 'Set up provisioning from Microsoft Entra ID' }).waitFor()
          assert.equal(new URL(page.url()).hash, '', 'the token left the address bar')
          assert.equal(await page.locator('#tenant-url').textContent(), server.tenantUrl)
          assert.match((await page.locator('#role-attribute').textContent()) ?? '', /^urn:ietf:params:scim:schemas:extension:modernloop:2\.0:User:modernloopRole$/)
          assert.match((await page.locator('#role-expression').textContent()) ?? '', /^Switch\(SingleAppRoleAssignment\(\[appRoleAssignments\]\), "", "ML_ADMIN", "ADMIN"/)
          for (const role of ['ML_ADMIN', 'ML_SCHEDULER', 'ML_INTERVIEWER']) await page.getByRole('cell', { name: role }).first().waitFor()
          await page.getByText('objectId', { exact: true }).first().waitFor()
          assert.ok(await page.getByRole('banner').getByText(server.orgName).isVisible())
          const nav = page.getByRole('navigation', { name: 'Console' })
          for (const label of ['Setup guide', 'Secrets', 'Members', 'Provisioning', 'Single sign-on', 'Diagnostics', 'Developers']) {
            assert.ok(await nav.getByRole('link', { name: label }).isVisible(), label)
          }
          assert.equal(await nav.getByRole('link', { name: 'Setup guide' }).getAttribute('aria-current'), 'page')
          await screenshot(page, `${dialect}-setup-guide-1366`)
          await expectNoSeriousViolations(page, 'the setup guide')

          // Copy buttons put the exact value on the clipboard.
          await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl })
          await page.getByRole('button', { name: 'Copy Tenant URL' }).first().click()
          await page.getByText('Copied').first().waitFor()
          assert.equal(await page.evaluate(() => navigator.clipboard.readText()), server.tenantUrl)

          // Every page of the shell renders inside it; those that need /api/v1 say plainly that it is not there.
          for (const [label, heading] of [
            ['Secrets', 'Secrets'],
            ['Members', 'Members'],
            ['Provisioning', 'Provisioning'],
            ['Single sign-on', 'Single sign-on'],
            ['Diagnostics', 'Diagnostics'],
            ['Developers', 'Developers'],
          ] as const) {
            await nav.getByRole('link', { name: label }).click()
            await page.getByRole('heading', { level: 1, name: heading }).waitFor()
            await page.waitForLoadState('networkidle')
            await screenshot(page, `${dialect}-${label.toLowerCase().replaceAll(' ', '-')}-1366`)
          }
          await nav.getByRole('link', { name: 'Secrets' }).click()
          assert.equal(await page.locator('#secrets-tenant-url').textContent(), server.tenantUrl)
          await expectNoSeriousViolations(page, 'Secrets')

          // Narrow window: the navigation folds behind a Menu button that opens it.
          await page.setViewportSize(NARROW)
          await page.getByRole('link', { name: 'Setup guide' }).click({ trial: true }).catch(() => undefined)
          await page.goto(`${server.baseUrl}/setup`)
          await page.getByRole('heading', { level: 1 }).waitFor()
          assert.equal(await nav.isVisible(), false)
          await screenshot(page, `${dialect}-setup-guide-narrow`)
          await page.getByRole('button', { name: 'Menu' }).click()
          assert.ok(await nav.isVisible())
          await screenshot(page, `${dialect}-menu-narrow`)
          await expectNoSeriousViolations(page, 'the narrow setup guide with its menu open')
          await page.getByRole('button', { name: 'Menu' }).click()
          await page.setViewportSize(WIDE)

          // Sign out: the sign-in page says so, and the session no longer works.
          await page.getByRole('button', { name: 'Sign out' }).click()
          await page.getByText('You signed out').waitFor()
          assert.equal(new URL(page.url()).pathname, '/sign-in')
          const session = await page.request.get(`${server.baseUrl}/console/session`)
          assert.equal(session.status(), 401)
          await page.reload()
          await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor()
          await page.getByRole('heading', { name: 'With single sign-on' }).waitFor()
          await screenshot(page, `${dialect}-sign-in-1366`)
          await expectNoSeriousViolations(page, 'the sign-in page')
          await page.setViewportSize(NARROW)
          await screenshot(page, `${dialect}-sign-in-narrow`)
          assert.deepEqual(problems, [], 'no CSP violations or page errors')
        } finally {
          await context.close()
        }
      })

      test('an expired link and a reused link are refused with a page that says what to do', async () => {
        const { context, page, problems } = await openPage(browser)
        try {
          const expired = await server.loginLink()
          server.advance(16 * 60_000)
          await page.goto(expired)
          await page.getByRole('heading', { level: 1, name: 'This sign-in link has expired' }).waitFor()
          assert.match(await page.getByRole('alert').textContent() ?? '', /15 minutes.*admin login-link/s)
          await screenshot(page, `${dialect}-link-expired`)
          await expectNoSeriousViolations(page, 'the expired-link page')

          const link = await server.loginLink()
          await page.goto(link)
          await page.waitForURL(`${server.baseUrl}/setup`)
          const other = await openPage(browser)
          try {
            await other.page.goto(link)
            await other.page.getByRole('heading', { level: 1, name: 'This sign-in link was already used' }).waitFor()
            assert.match(await other.page.getByRole('alert').textContent() ?? '', /works once.*new link/s)
            await other.page.getByRole('link', { name: 'How to sign in' }).click()
            await other.page.getByRole('heading', { name: 'Sign in to the console' }).waitFor()
            await screenshot(other.page, `${dialect}-sign-in-after-refusal`)
            assert.deepEqual(other.problems, [])
          } finally {
            await other.context.close()
          }
          assert.deepEqual(problems, [])
        } finally {
          await context.close()
        }
      })

      test('an admin deactivated by SCIM is signed out on the next request', async () => {
        const memberId = await server.addAdmin(`grace-${dialect}@acme.test`)
        const { context, page } = await openPage(browser)
        try {
          await page.goto(await server.loginLink(memberId))
          await page.waitForURL(`${server.baseUrl}/setup`)
          // Signed in and shown the shell first (the session check after sign-in must not race the deactivation).
          await page.getByRole('navigation', { name: 'Console' }).waitFor()
          const patch = await fetch(`${server.tenantUrl}/Users/${memberId}`, {
            method: 'PATCH',
            headers: { authorization: `Bearer ${server.scimToken}`, 'content-type': 'application/scim+json' },
            body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }),
          })
          assert.equal(patch.status, 200)
          // The next navigation asks the server, which ends the session: the sign-in page, not the shell.
          await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Members' }).click()
          await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor()
          assert.match((await page.getByRole('alert').textContent()) ?? '', /You were signed out.*no longer an active admin/s)
          assert.equal(await page.getByRole('navigation', { name: 'Console' }).count(), 0)
          assert.equal((await page.request.get(`${server.baseUrl}/console/session`)).status(), 401)
          await screenshot(page, `${dialect}-signed-out-after-deactivation`)
        } finally {
          await context.close()
        }
      })
    })
  }
})
