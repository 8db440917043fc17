import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS } from '../helpers/dialects.js'
import { scimHeaders } from '../helpers/build-test-app.js'
import { CLAIM, entraResponseXml, generateSigningKey, toBase64, type ResponseOptions } from '../helpers/saml-idp.js'
import { createSamlFixture, loggedReasons, type SamlFixture } from './saml-fixture.js'

/** The Assertion element of a Response's XML, as text. */
const assertionOf = (xml: string): string => /<Assertion[\s\S]*<\/Assertion>/.exec(xml)![0]
const withoutSignature = (xml: string): string => xml.replace(/<Signature[\s\S]*?<\/Signature>/, '')

for (const dialect of DIALECTS) {
  describe(`SAML sign-in refusals, each with a logged reason (${dialect})`, () => {
    let f: SamlFixture
    let alice: string
    const xml = (nameId: string, options: Partial<ResponseOptions> = {}) =>
      entraResponseXml(f.idp, { acsUrl: f.sp.acsUrl, audience: f.sp.entityId, nameId, ...options })

    /** Posts and checks: refused with `status`, `reason` reported to onRefused and logged, nobody signed in. */
    async function refused(samlResponse: string, reason: string, status = 400, relayState?: string, cookie?: string) {
      const loginsBefore = f.logins.length
      const response = await f.postAcs(samlResponse, { relayState, cookie })
      assert.equal(response.statusCode, status, response.body)
      assert.match(response.headers['content-type'] as string, /text\/html/)
      assert.equal(f.logins.length, loginsBefore, 'nobody was signed in')
      assert.equal(f.refused.at(-1)?.reason, reason)
      assert.equal(loggedReasons(f.logs).at(-1), reason)
      return response
    }

    before(async () => {
      f = await createSamlFixture(dialect)
      alice = await f.createMember({ userName: 'alice@acme.test', emails: [{ value: 'alice@acme.test', type: 'work' }] })
    })
    after(() => f.close())

    it('a valid response is accepted (the baseline every case below departs from)', async () => {
      const response = await f.postAcs(toBase64(xml('alice@acme.test')))
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(f.logins.at(-1)!.memberId, alice)
    })

    it('refuses an unsigned assertion in an unsigned response', async () => {
      await refused(toBase64(xml('alice@acme.test', { sign: 'none' })), 'invalid_signature')
    })

    it('refuses a response signed by an unknown certificate (its own cert in KeyInfo)', async () => {
      const attacker = await generateSigningKey({ cn: 'attacker' })
      await refused(toBase64(xml('alice@acme.test', { signWith: attacker })), 'invalid_signature')
      await refused(toBase64(xml('alice@acme.test', { signWith: attacker, sign: 'response' })), 'invalid_signature')
    })

    it('refuses SHA-1 signatures (Entra\'s optional Signing Algorithm)', async () => {
      const response = await refused(toBase64(xml('alice@acme.test', { algorithm: 'sha1' })), 'weak_signature_algorithm')
      assert.match(f.refused.at(-1)!.detail, /SHA-256/)
      assert.doesNotMatch(response.body, /SHA/, 'the details are for the admin, in the log')
    })

    it('refuses signature wrapping: a signed response whose assertion was altered', async () => {
      const signed = xml('someone@acme.test', { sign: 'response' })
      await refused(toBase64(signed.replace('someone@acme.test</NameID>', 'alice@acme.test</NameID>')), 'invalid_signature')
    })

    it('refuses signature wrapping: an unsigned assertion beside, or in place of, a signed one', async () => {
      const signed = xml('someone@acme.test')
      const evil = withoutSignature(assertionOf(signed)).replace('someone@acme.test', 'alice@acme.test').replace(/ID="_[0-9a-f]+"/, 'ID="_evil"')
      // Beside: two assertions.
      await refused(toBase64(signed.replace('</samlp:Response>', `${evil}</samlp:Response>`)), 'invalid_signature')
      // In place: the signed assertion hidden in Extensions, the unsigned one where a reader looks.
      const hidden = signed.replace(assertionOf(signed), `<samlp:Extensions>${assertionOf(signed)}</samlp:Extensions>${evil}`)
      await refused(toBase64(hidden), 'invalid_signature')
    })

    it('refuses signature wrapping: a signed response embedded in a new response that carries an unsigned assertion', async () => {
      const signed = xml('someone@acme.test', { sign: 'response' })
      const evil = assertionOf(signed).replace('someone@acme.test', 'alice@acme.test')
      const wrapper = `<samlp:Response ID="_wrapper" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${f.sp.acsUrl}" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${f.idp.entityId}</Issuer><samlp:Extensions>${signed}</samlp:Extensions><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${evil}</samlp:Response>`
      await refused(toBase64(wrapper), 'invalid_signature')
    })

    it('refuses a NameID altered after signing', async () => {
      const signed = xml('someone@acme.test')
      await refused(toBase64(signed.replace('someone@acme.test</NameID>', 'alice@acme.test</NameID>')), 'invalid_signature')
    })

    it('reads the whole signed NameID when a comment is inserted (no truncation to a member), and refuses a processing instruction', async () => {
      // The IdP signed "alice@acme.test.evil.test"; a parser that stopped at the comment would read Alice's name.
      // Exclusive c14n drops comments, so the signature still holds: the name read must be the whole signed one.
      const signed = xml('alice@acme.test.evil.test')
      const commented = signed.replace('alice@acme.test.evil.test</NameID>', 'alice@acme.test<!---->.evil.test</NameID>')
      assert.notEqual(commented, signed)
      const response = await refused(toBase64(commented), 'not_provisioned', 403)
      assert.match(response.body, /not provisioned/)
      assert.equal(f.refused.at(-1)!.nameId, 'alice@acme.test.evil.test')
      // A processing instruction survives c14n, so it breaks the digest (the OneUptime `<?pi ?>` trick).
      const other = xml('alice@acme.test.evil.test')
      await refused(toBase64(other.replace('alice@acme.test.evil.test</NameID>', 'alice@acme.test<?pi x?>.evil.test</NameID>')), 'invalid_signature')
    })

    it('refuses a wrong audience, destination (or none), recipient, issuer and tenant', async () => {
      await refused(toBase64(xml('alice@acme.test', { audience: 'https://other-sp.test/saml' })), 'wrong_audience')
      await refused(toBase64(xml('alice@acme.test', { destination: 'https://evil.test/acs' })), 'wrong_destination')
      await refused(toBase64(xml('alice@acme.test', { destination: null })), 'wrong_destination')
      await refused(toBase64(xml('alice@acme.test', { recipient: 'https://evil.test/acs' })), 'wrong_recipient')
      await refused(toBase64(xml('alice@acme.test', { issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' })), 'wrong_issuer')
      await refused(toBase64(xml('alice@acme.test', { attributes: { [CLAIM.tenantId]: '00000000-0000-0000-0000-000000000000' } })), 'wrong_tenant')
    })

    it('refuses an expired and a not-yet-valid assertion, within a bounded clock skew', async () => {
      const now = Date.now()
      await refused(toBase64(xml('alice@acme.test', { notBefore: new Date(now - 80 * 60_000), notOnOrAfter: new Date(now - 10 * 60_000) })), 'expired')
      await refused(toBase64(xml('alice@acme.test', { notBefore: new Date(now + 10 * 60_000) })), 'expired')
      // One minute ahead is inside the default 120 s skew (Entra sets NotBefore = IssueInstant, no buffer).
      const skewed = await f.postAcs(toBase64(xml('alice@acme.test', { notBefore: new Date(now + 60_000) })))
      assert.equal(skewed.statusCode, 200, skewed.body)
    })

    it('refuses a replayed assertion (IdP-initiated), and a replayed SP-initiated response', async () => {
      const once = toBase64(xml('alice@acme.test'))
      assert.equal((await f.postAcs(once)).statusCode, 200)
      await refused(once, 'replayed_assertion')

      const { id, cookie } = await f.startLogin(`/sso/saml/${f.connection.id}/start`)
      const answer = toBase64(xml('alice@acme.test', { inResponseTo: id }))
      assert.equal((await f.postAcs(answer, { cookie })).statusCode, 200)
      await refused(answer, 'unknown_request', 400, undefined, cookie)
    })

    it('refuses a replay that reaches another instance on the same database', async () => {
      const other = await f.secondInstance()
      const once = toBase64(xml('alice@acme.test'))
      assert.equal((await f.postAcs(once)).statusCode, 200)
      const replay = await other.postAcs(once)
      assert.equal(replay.statusCode, 400)
      assert.equal(other.refused.at(-1)?.reason, 'replayed_assertion')
      assert.equal(loggedReasons(other.logs).at(-1), 'replayed_assertion')
      assert.equal(other.logins.length, 0)
    })

    it('refuses an unknown InResponseTo, and a signed InResponseTo the Response does not carry', async () => {
      await refused(toBase64(xml('alice@acme.test', { inResponseTo: '_0123456789abcdef0123456789abcdef' })), 'unknown_request')
      const { id, cookie } = await f.startLogin(`/sso/saml/${f.connection.id}/start`)
      const stripped = xml('alice@acme.test', { inResponseTo: id }).replace(/(<samlp:Response[^>]*?) InResponseTo="[^"]+"/, '$1')
      await refused(toBase64(stripped), 'unknown_request', 400, undefined, cookie)
      assert.match(f.refused.at(-1)!.detail, /does not name it/)
    })

    it('refuses an SP-initiated answer posted in a browser that did not start the login (login CSRF)', async () => {
      const victim = await f.startLogin(`/sso/saml/${f.connection.id}/start`)
      const attacker = await f.startLogin(`/sso/saml/${f.connection.id}/start`)
      const answer = toBase64(xml('alice@acme.test', { inResponseTo: attacker.id }))
      await refused(answer, 'unknown_request', 400, undefined, victim.cookie)
      assert.match(f.refused.at(-1)!.detail, /not started in this browser/)
      await refused(toBase64(xml('alice@acme.test', { inResponseTo: victim.id })), 'unknown_request') // no cookie at all
    })

    it('refuses a deactivated member, even when a later identifier would name an active one', async () => {
      const dora = await f.createMember({ userName: 'dora@acme.test' })
      const patch = await f.app.inject({
        method: 'PATCH',
        url: `/org/scim/v2/Users/${dora}`,
        headers: scimHeaders(f.scimToken),
        payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
      })
      assert.equal(patch.statusCode, 200)
      const response = await refused(toBase64(xml('dora@acme.test', { attributes: { [CLAIM.email]: 'alice@acme.test' } })), 'deactivated', 403)
      assert.match(response.body, /deactivated/)
      assert.match(response.body, /IT admin/)
      assert.equal(f.refused.at(-1)!.memberId, dora)
    })

    it('refuses a deleted member and a member of another organization', async () => {
      const ed = await f.createMember({ userName: 'ed@acme.test' })
      assert.equal((await f.app.inject({ method: 'DELETE', url: `/org/scim/v2/Users/${ed}`, headers: scimHeaders(f.scimToken) })).statusCode, 204)
      const response = await refused(toBase64(xml('ed@acme.test')), 'not_provisioned', 403)
      assert.match(response.body, /not provisioned in this organization or was deactivated/)

      const other = await f.createOrg('Globex')
      await f.createMember({ userName: 'bob@globex.test', emails: [{ value: 'bob@globex.test' }] }, other.scimToken)
      await refused(toBase64(xml('bob@globex.test', { attributes: { [CLAIM.email]: 'bob@globex.test' } })), 'not_provisioned', 403)
    })

    it('refuses a RelayState to another host: at the start, and from the IdP (the login lands on Roster instead)', async () => {
      for (const target of ['https://evil.test/x', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)']) {
        const start = await f.app.inject({ method: 'GET', url: `/sso/saml/${f.connection.id}/start?returnTo=${encodeURIComponent(target)}` })
        assert.equal(start.statusCode, 400, target)
        assert.match(start.body, /another site/)
        assert.equal(loggedReasons(f.logs).at(-1), 'relay_state_refused')
      }
      const response = await f.postAcs(toBase64(xml('alice@acme.test')), { relayState: 'https://evil.test/phish' })
      assert.equal(response.statusCode, 200)
      assert.equal(f.logins.at(-1)!.relayState, null)
      assert.equal(loggedReasons(f.logs).at(-1), 'relay_state_refused')
    })

    it('refuses a response with a DOCTYPE (XXE)', async () => {
      const signed = xml('alice@acme.test')
      const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${signed.replace('<samlp:Status>', '<samlp:Status>&x;')}`
      await refused(toBase64(xxe), 'xml_doctype')
    })

    it('refuses an IdP error status with its AADSTS message, garbage, and an unknown connection', async () => {
      await refused(
        toBase64(xml('alice@acme.test', { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester', statusMessage: 'AADSTS50105: The signed in user is not assigned to a role' })),
        'idp_error',
      )
      assert.match(f.refused.at(-1)!.detail, /AADSTS50105/)
      await refused('not base64 at all!', 'malformed_response')
      await refused(toBase64('<html>nope</html>'), 'malformed_response')
      const signed = xml('alice@acme.test')
      await refused(toBase64(`${signed}${signed}`), 'malformed_response') // two roots
      const unknown = await f.postAcs(toBase64(xml('alice@acme.test')), { connectionId: 'saml_doesnotexist' })
      assert.equal(unknown.statusCode, 400)
      assert.equal(f.refused.at(-1)!.reason, 'unknown_connection')
    })

    it('refuses every login when all of the connection\'s certificates have expired, and says so in the log', async () => {
      const expired = await generateSigningKey({ cn: 'expired', notBeforeDate: new Date(Date.now() - 2 * 86400_000), notAfterDate: new Date(Date.now() - 86400_000) })
      await f.connections.update(f.orgId, f.connection.id, { idpEntityId: f.idp.entityId, idpSsoUrl: f.idp.ssoUrl, idpCertificates: [expired.cert] })
      try {
        await refused(toBase64(xml('alice@acme.test', { signWith: expired })), 'no_valid_certificate')
        assert.match(f.refused.at(-1)!.detail, /expired/)
      } finally {
        await f.connections.update(f.orgId, f.connection.id, { idpEntityId: f.idp.entityId, idpSsoUrl: f.idp.ssoUrl, idpCertificates: [f.idp.signing.cert] })
      }
    })

    it('refuses IdP-initiated logins when the connection accepts only logins started at Roster', async () => {
      await f.connections.update(f.orgId, f.connection.id, undefined, { allowIdpInitiated: false })
      try {
        const response = await refused(toBase64(xml('alice@acme.test')), 'unsolicited')
        assert.match(response.body, /Start your sign-in at Roster/)
      } finally {
        await f.connections.update(f.orgId, f.connection.id, undefined, { allowIdpInitiated: true })
      }
    })
  })
}
