import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { after, before, describe, it } from 'node:test'
import { DIALECTS } from '../helpers/dialects.js'
import { CLAIM, entraResponseXml, toBase64, type ResponseOptions } from '../helpers/saml-idp.js'
import { createSamlFixture, loggedReasons, type SamlFixture } from './saml-fixture.js'

/**
 * The field guide's ten rules (../shared/entra-saml-wire.md §0) and its "must reject" list, read as an attacker and as
 * Entra would: the negative cases saml-refusals.test.ts and saml-login.test.ts did not have yet.
 */
for (const dialect of DIALECTS) {
  describe(`SAML sign-in against the field guide's rules (${dialect})`, () => {
    let f: SamlFixture
    let alice: string
    const aliceObjectId = '7d3e1a4b-0000-4000-8000-00000000a11c'
    const xml = (nameId: string, options: Partial<ResponseOptions> = {}) =>
      entraResponseXml(f.idp, { acsUrl: f.sp.acsUrl, audience: f.sp.entityId, nameId, ...options })

    async function refused(samlResponse: string, reason: string, options: { status?: number; cookie?: string; connectionId?: string } = {}) {
      const loginsBefore = f.logins.length
      const response = await f.postAcs(samlResponse, { cookie: options.cookie, connectionId: options.connectionId })
      assert.equal(response.statusCode, options.status ?? 400, response.body)
      assert.equal(f.logins.length, loginsBefore, 'nobody was signed in')
      assert.equal(f.refused.at(-1)?.reason, reason)
      assert.equal(loggedReasons(f.logs).at(-1), reason)
      return response
    }

    before(async () => {
      f = await createSamlFixture(dialect)
      alice = await f.createMember({ userName: 'alice@acme.test', externalId: aliceObjectId })
    })
    after(() => f.close())

    it('rule 2 and 6: a tenantid or objectidentifier claim edited after signing is refused (identity comes only from signed XML)', async () => {
      const signed = xml('someone@acme.test', { attributes: { [CLAIM.objectId]: '00000000-0000-4000-8000-000000000bad' } })
      await refused(toBase64(signed.replace('00000000-0000-4000-8000-000000000bad', aliceObjectId)), 'invalid_signature')
      const tenant = xml('alice@acme.test')
      await refused(toBase64(tenant.replace(`<AttributeValue>${f.idp.tenantId}</AttributeValue>`, '<AttributeValue>11111111-1111-1111-1111-111111111111</AttributeValue>')), 'invalid_signature')
      // An unsigned attribute added to the signed assertion's statement breaks the digest too.
      const added = xml('someone@acme.test').replace('</AttributeStatement>', `<Attribute Name="${CLAIM.objectId}"><AttributeValue>${aliceObjectId}</AttributeValue></Attribute></AttributeStatement>`)
      await refused(toBase64(added), 'invalid_signature')
    })

    it('rule 2: the Response-level Issuer is not trusted when only the assertion is signed (the assertion\'s Issuer decides)', async () => {
      const signed = xml('alice@acme.test', { issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' })
      // Rewriting the (unsigned) Response Issuer to the right one does not help: the signed assertion names another IdP.
      const fixed = signed.replace(/(<samlp:Response[^>]*><Issuer[^>]*>)[^<]+/, `$1${f.idp.entityId}`)
      await refused(toBase64(fixed), 'wrong_issuer')
    })

    it('rule 7: SubjectConfirmationData expired while Conditions are still valid is refused; skew beyond the setting is refused', async () => {
      const now = Date.now()
      await refused(toBase64(xml('alice@acme.test', { confirmationNotOnOrAfter: new Date(now - 10 * 60_000) })), 'expired')
      // 3 minutes ahead is beyond the default 120 s skew.
      await refused(toBase64(xml('alice@acme.test', { notBefore: new Date(now + 3 * 60_000) })), 'expired')
    })

    it('rule 8: an InResponseTo whose request expired, or that was started at another organization\'s connection, is refused', async () => {
      const past = new Date(Date.now() - 60 * 60_000)
      const expiredId = '_expired0000000000000000000000000000000001'
      await f.store.saveSamlRequest(f.connection.id, expiredId, past.toISOString(), new Date(past.getTime() + 30 * 60_000).toISOString())
      await refused(toBase64(xml('alice@acme.test', { inResponseTo: expiredId })), 'unknown_request', { cookie: `roster_saml_requests=${expiredId}` })

      // Globex's connection started a login; its id is no good at Acme's ACS (request ids are kept per connection).
      const globex = await f.createOrg('Globex')
      const idp = f.idp
      const other = await f.connections.create(globex.orgId, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert] })
      const started = await f.startLogin(`/sso/saml/${other.id}/start`)
      await refused(toBase64(xml('alice@acme.test', { inResponseTo: started.id })), 'unknown_request', { cookie: started.cookie })
    })

    it('rule 8: an answer for one connection replayed at another connection of the same IdP is refused (audience, destination)', async () => {
      const globex = await f.createOrg('Globex2')
      const other = await f.connections.create(globex.orgId, { idpEntityId: f.idp.entityId, idpSsoUrl: f.idp.ssoUrl, idpCertificates: [f.idp.signing.cert] })
      // Signed by the IdP both connections trust, addressed to Acme: posted to Globex's ACS.
      await refused(toBase64(xml('alice@acme.test')), 'wrong_destination', { connectionId: other.id })
    })

    it('rule 9: a single-valued role arrives as a string and a login with it succeeds', async () => {
      const response = await f.postAcs(toBase64(xml('alice@acme.test', { attributes: { [CLAIM.role]: 'ML_SCHEDULER' } })))
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(f.logins.at(-1)!.memberId, alice)
      assert.equal(f.logins.at(-1)!.attributes[CLAIM.role], 'ML_SCHEDULER')
    })

    it('refuses two root elements, a message that is not a Response, and a response over the size bound', async () => {
      const signed = xml('alice@acme.test')
      await refused(toBase64(`${signed}${signed}`), 'malformed_response')
      const logout = `<samlp:LogoutRequest ID="_x" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${f.sp.acsUrl}" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${f.idp.entityId}</Issuer></samlp:LogoutRequest>`
      await refused(toBase64(logout), 'malformed_response')
      const padded = signed.replace('</samlp:Response>', `<!--${'x'.repeat(f.config.maxBodyBytes)}--></samlp:Response>`)
      const loginsBefore = f.logins.length
      const response = await f.postAcs(toBase64(padded))
      // Over MAX_BODY_BYTES the form body itself is refused (413); under it, the decoded size bound applies (400).
      assert.ok(response.statusCode === 400 || response.statusCode === 413, `${response.statusCode}`)
      assert.match(response.headers['content-type'] as string, /text\/html/, 'a page, not a stack trace')
      assert.equal(f.logins.length, loginsBefore)
    })

    it('refuses a repeated or non-text SAMLResponse field with a page, never a 500', async () => {
      const signed = toBase64(xml('alice@acme.test'))
      for (const [type, payload] of [
        ['application/x-www-form-urlencoded', `SAMLResponse=${encodeURIComponent(signed)}&SAMLResponse=${encodeURIComponent(signed)}`],
        ['application/json', JSON.stringify({ SAMLResponse: { toString: signed } })],
      ] as const) {
        const loginsBefore = f.logins.length
        const response = await f.app.inject({ method: 'POST', url: `/sso/saml/${f.connection.id}/acs`, headers: { 'content-type': type }, payload })
        assert.ok(response.statusCode === 400 || response.statusCode === 415, `${type}: ${response.statusCode}`)
        assert.match(response.headers['content-type'] as string, /text\/html/)
        assert.equal(f.logins.length, loginsBefore)
      }
    })

    it('rule 10: the installed @node-saml/node-saml is 5.1.0 or later (CVE-2025-54419)', () => {
      const require = createRequire(import.meta.url)
      const manifest = require.resolve('@node-saml/node-saml/package.json')
      const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
      const [major, minor] = version.split('.').map(Number) as [number, number]
      assert.ok(major > 5 || (major === 5 && minor >= 1), `node-saml ${version}`)
    })
  })
}
