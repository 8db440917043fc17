import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { SamlConnections } from '../../src/sso/saml/saml-connections.js'
import { systemClock } from '../../src/lib/clock.js'
import { DIALECTS } from '../helpers/dialects.js'
import { authnRequestOf, createTestIdp, entraResponse, type TestIdp } from '../helpers/saml-idp.js'
import { chromiumSkipReason, launchChromium, screenshot, seriousViolations, WIDE } from './support/chromium.js'
import { startConsoleServer, type ConsoleServer } from './support/console-server.js'

const skip = chromiumSkipReason()
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * A tiny identity provider on loopback that behaves as Entra does for a signed-in user: it reads the AuthnRequest of
 * the HTTP-Redirect binding, signs a response for `nameId` (keys generated at test time) and auto-posts it to the ACS.
 */
async function startIdp(idp: TestIdp, who: () => { nameId: string; acsUrl: string; audience: string }): Promise<{ server: Server; ssoUrl: string }> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/saml2?')) return void res.writeHead(404).end()
    const request = authnRequestOf(`http://127.0.0.1${req.url}`)
    const { nameId, acsUrl, audience } = who()
    const samlResponse = entraResponse(idp, { acsUrl, audience, nameId, inResponseTo: request.id })
    const relay = request.relayState === null ? '' : `<input type="hidden" name="RelayState" value="${escape(request.relayState)}">`
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="en"><head><title>Entra</title></head><body onload="document.forms[0].submit()">` +
        `<form method="post" action="${escape(acsUrl)}"><input type="hidden" name="SAMLResponse" value="${samlResponse}">${relay}</form></body></html>`,
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, ssoUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/saml2` }
}

// Issue 9 §1, §8: an ADMIN signs in to the console with SSO through a signing IdP, and the SSO page shows the values
// for Entra. One engine: the flows' storage is covered on both in test/sso.
describe('console sign-in with SSO in Chromium', { skip, concurrency: false }, () => {
  let browser: Browser
  let server: ConsoleServer
  let idpServer: Server
  let connectionId: string
  /** Who the loopback IdP signs in (the person at the keyboard of the current test). */
  let signInAs = 'ada.lovelace@acme.test'
  const dialect = DIALECTS[0]!

  before(async () => {
    browser = await launchChromium()
    server = await startConsoleServer(dialect)
    const idp = await createTestIdp()
    const sp = () => ({ nameId: signInAs, acsUrl: `${server.baseUrl}/sso/saml/${connectionId}/acs`, audience: `${server.baseUrl}/sso/saml/${connectionId}` })
    const started = await startIdp(idp, sp)
    idpServer = started.server
    const connections = new SamlConnections(server.store, systemClock, { publicUrl: server.baseUrl, metadata: { timeoutMs: 2000, maxBytes: 1_048_576 } })
    const connection = await connections.create(server.orgId, { idpEntityId: idp.entityId, idpSsoUrl: started.ssoUrl, idpCertificates: [idp.signing.cert] }, { emailDomains: ['acme.test'] })
    connectionId = connection.id
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await new Promise((resolve) => idpServer?.close(resolve))
  })

  test('an ADMIN enters their email, signs in at the IdP, lands in the console; the SSO page shows the values for Entra', async () => {
    const context = await browser.newContext({ viewport: WIDE })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    try {
      await page.goto(`${server.baseUrl}/sign-in`)
      await page.getByLabel('Work email').fill('ada.lovelace@acme.test')
      await page.getByRole('button', { name: 'Sign in with SSO' }).first().click()
      await page.waitForURL(`${server.baseUrl}/setup`).catch(async (error: Error) => {
        throw new Error(`${error.message}\nstuck at ${page.url()}: ${(await page.content()).slice(0, 600)}`)
      })
      await page.getByRole('heading', { level: 1, name: 'Set up provisioning from Microsoft Entra ID' }).waitFor()
      const cookies = await context.cookies(server.baseUrl)
      assert.ok(cookies.some((c) => c.name === 'roster_session' && c.httpOnly), 'a console session cookie, HttpOnly')

      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Single sign-on' }).click()
      await page.getByRole('heading', { level: 2, name: 'Values for Entra' }).waitFor()
      const entityId = `${server.baseUrl}/sso/saml/${connectionId}`
      assert.equal(await page.locator('#sso-identifier').textContent(), entityId)
      assert.equal(await page.locator('#sso-reply-url').textContent(), `${entityId}/acs`)
      assert.equal(await page.locator('#sso-sign-on-url').textContent(), `${entityId}/start`)
      assert.equal(await page.locator('#sso-sp-metadata').textContent(), `${entityId}/metadata`)
      for (const label of ['Identifier (Entity ID)', 'Reply URL (Assertion Consumer Service URL)', 'Sign on URL']) {
        assert.ok(await page.getByRole('button', { name: `Copy ${label}` }).isVisible(), label)
      }
      assert.equal(await page.getByLabel('Email domains').inputValue(), 'acme.test')
      await screenshot(page, `${dialect}-sso-page-1366`)
      const violations = await seriousViolations(page)
      assert.deepEqual(violations.map((v) => `${v.id}: ${v.help}`), [], 'axe-core: the SSO page')

      // Settings save through /api/v1 with the session and its CSRF token.
      await page.getByLabel('Email domains').fill('acme.test, acme.example')
      await page.getByRole('button', { name: 'Save settings' }).click()
      await page.getByRole('status').getByText('Saved.').waitFor()
      assert.equal(await page.getByLabel('Email domains').inputValue(), 'acme.test, acme.example')
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })

  test('an ADMIN turns just-in-time creation on; a newcomer signs in and shows in Members and the Provisioning log', async () => {
    const admin = await browser.newContext({ viewport: WIDE })
    const newcomer = await browser.newContext({ viewport: WIDE })
    const page = await admin.newPage()
    page.setDefaultTimeout(10_000)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name }).click()
    try {
      signInAs = 'ada.lovelace@acme.test'
      await page.goto(`${server.baseUrl}/sign-in`)
      await page.getByLabel('Work email').fill(signInAs)
      await page.getByRole('button', { name: 'Sign in with SSO' }).first().click()
      await page.waitForURL(`${server.baseUrl}/setup`)
      await nav('Single sign-on')
      const jit = page.getByLabel(/Create members at first sign-in/)
      assert.equal(await jit.isChecked(), false, 'off by default')
      await jit.check()
      await page.getByRole('button', { name: 'Save settings' }).click()
      await page.getByRole('status').getByText('Saved.').waitFor()

      signInAs = 'newcomer@acme.test'
      const other = await newcomer.newPage()
      other.setDefaultTimeout(10_000)
      await other.goto(`${server.baseUrl}/sign-in`)
      await other.getByLabel('Work email').fill(signInAs)
      await other.getByRole('button', { name: 'Sign in with SSO' }).first().click()
      await other.getByText('You signed in as newcomer@acme.test.').waitFor()

      // The log is written off the request path (every 500 ms in this server): bounded wait, then read it.
      await new Promise((resolve) => setTimeout(resolve, 1200))
      await nav('Provisioning')
      await page.locator('.log-entry').filter({ hasText: 'Created newcomer@acme.test at SSO sign-in (just-in-time)' }).waitFor()
      await nav('Members')
      const row = page.getByRole('row').filter({ hasText: 'newcomer@acme.test' })
      // The list loads after the page: wait for the row's cells before reading them.
      await row.getByRole('cell').first().waitFor()
      assert.match((await row.getByRole('cell').allTextContents()).join(' | '), /Interviewer|INTERVIEWER/)
      assert.match((await row.getByRole('cell').allTextContents()).join(' | '), /Single sign-on/)
      assert.deepEqual(errors, [])
    } finally {
      signInAs = 'ada.lovelace@acme.test'
      await admin.close()
      await newcomer.close()
    }
  })

  test('signed out on a console page, an ADMIN who signs in with SSO comes back to that page', async () => {
    const context = await browser.newContext({ viewport: WIDE })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    try {
      signInAs = 'ada.lovelace@acme.test'
      await page.goto(`${server.baseUrl}/settings/provisioning`)
      await page.getByLabel('Work email').fill(signInAs)
      await page.getByRole('button', { name: 'Sign in with SSO' }).first().click()
      await page.waitForURL(`${server.baseUrl}/settings/provisioning`)
      await page.getByRole('heading', { level: 1, name: 'Provisioning' }).waitFor()
    } finally {
      await context.close()
    }
  })

  test('the sign-in page offers SSO by email, without serious accessibility violations', async () => {
    const context = await browser.newContext({ viewport: WIDE })
    const page = await context.newPage()
    try {
      await page.goto(`${server.baseUrl}/sign-in`)
      await page.getByRole('heading', { name: 'With single sign-on' }).waitFor()
      await screenshot(page, `${dialect}-sign-in-sso-1366`)
      assert.deepEqual((await seriousViolations(page)).map((v) => `${v.id}: ${v.help}`), [])
    } finally {
      await context.close()
    }
  })
})
