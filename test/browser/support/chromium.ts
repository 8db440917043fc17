import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium: never a downloaded browser. `.ci/run` installs it when missing. */
export const CHROMIUM_PATH = process.env.ROSTER_CHROMIUM ?? '/usr/bin/chromium'

/** Where the browser tests save their screenshots (gitignored). */
export const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-results/screenshots')

export const WIDE = { width: 1366, height: 768 }
export const NARROW = { width: 390, height: 844 }

/** Skip (with a reason) when Chromium is absent, except under CI=true where that is a failure. */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined
  const reason = `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or run .ci/run)`
  if (process.env.CI === 'true') throw new Error(reason)
  return reason
}

/**
 * Headless Chromium. playwright-core gives every launch a fresh temporary profile (user-data-dir) and removes it on
 * close; background networking is off, so the only traffic is to the Roster under test on loopback.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    timeout: 30_000,
  })
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}

const axeSource = await (async () => {
  const require = createRequire(import.meta.url)
  const { readFile } = await import('node:fs/promises')
  return readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
})()

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/**
 * Runs axe-core in the page. The script is evaluated through the DevTools protocol, which the page's CSP does not
 * govern, so the console's strict policy stays on while it is checked.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${axeSource}\n;undefined`)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
