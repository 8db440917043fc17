import assert from 'node:assert/strict'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { NARROW, screenshot, seriousViolations, WIDE } from './chromium.js'

export interface OpenedPage {
  context: BrowserContext
  page: Page
  /** CSP violations and page errors seen so far. */
  problems: string[]
}

/** A fresh browser context (no cookies) that records every CSP violation and page error. */
export async function openPage(browser: Browser, viewport = WIDE): Promise<OpenedPage> {
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

export async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const violations = await seriousViolations(page)
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe-core found serious violations on ${where}`,
  )
}

/**
 * Opens a console page through the navigation, waits for its heading and its data, checks it with axe-core, and
 * saves screenshots at 1366×768 and at a narrow width (then returns to the wide window).
 */
export async function visit(page: Page, label: string, heading: string, shotName: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
  await settle(page)
  await screenshot(page, `${shotName}-1366`)
  await expectNoSeriousViolations(page, heading)
  await page.setViewportSize(NARROW)
  await screenshot(page, `${shotName}-narrow`)
  await page.setViewportSize(WIDE)
}

/**
 * Waits until the page has no request in flight and no "Loading…" line. Every such line, not the first: a page with
 * two sections (Provisioning: health and log) was photographed with the health still loading once the log had loaded.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle')
  const loading = page.getByRole('status').filter({ hasText: /^Loading/ })
  const deadline = Date.now() + 10_000
  while ((await loading.count()) > 0 && Date.now() < deadline) await page.waitForTimeout(50)
  await page.waitForLoadState('networkidle')
}
