import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../../src/lib/clock.js'
import { DomainError } from '../../src/lib/domain-error.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { fetchMetadata } from '../../src/sso/saml/fetch-metadata.js'
import { parseIdpMetadata } from '../../src/sso/saml/idp-metadata.js'
import { startMetadataRefreshLoop } from '../../src/sso/saml/metadata-refresh-loop.js'
import { SamlConnections } from '../../src/sso/saml/saml-connections.js'
import { safeRelayState } from '../../src/sso/saml/relay-state.js'
import type { Store } from '../../src/store/store.js'
import { DIALECTS, openTestStore } from '../helpers/dialects.js'
import { bareBase64, createTestIdp, entraMetadataXml, generateSigningKey, type TestIdp } from '../helpers/saml-idp.js'

const MAX = 1_048_576

/** A loopback server whose answer each test sets: metadata, an error, a huge body, or silence. */
async function metadataServer(): Promise<{ url: string; answer: (handler: (res: import('node:http').ServerResponse) => void) => void; close(): Promise<void> }> {
  let handler: (res: import('node:http').ServerResponse) => void = (res) => res.end()
  const server: Server = createServer((_req, res) => handler(res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/federationmetadata/2007-06/federationmetadata.xml?appid=test`,
    answer: (next) => (handler = next),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

const rejectsWith = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (error: unknown) => error instanceof DomainError && pattern.test(error.message))

describe('IdP metadata', () => {
  let idp: TestIdp
  before(async () => (idp = await createTestIdp()))

  it("reads Entra's federation metadata: entity ID, HTTP-Redirect sign-on URL, every signing certificate", async () => {
    const next = await generateSigningKey({ cn: 'next' })
    const settings = parseIdpMetadata(entraMetadataXml(idp, [idp.signing.cert, next.cert]), MAX)
    assert.equal(settings.idpEntityId, idp.entityId)
    assert.equal(settings.idpSsoUrl, idp.ssoUrl)
    assert.deepEqual(settings.idpCertificates.map(bareBase64), [bareBase64(idp.signing.cert), bareBase64(next.cert)])
  })

  it('refuses XXE (a DOCTYPE), entity expansion, malformed XML, oversized documents and non-metadata', () => {
    const metadata = entraMetadataXml(idp)
    assert.throws(() => parseIdpMetadata(`<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>${metadata.replace(/^<\?xml[^>]*\?>/, '')}`, MAX), /DOCTYPE/)
    assert.throws(() => parseIdpMetadata('<!DOCTYPE lol [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>', MAX), /DOCTYPE/)
    assert.throws(() => parseIdpMetadata('<EntityDescriptor', MAX), /not well-formed/)
    assert.throws(() => parseIdpMetadata(metadata, 100), /larger than 100 bytes/)
    assert.throws(() => parseIdpMetadata('<html><body>Sign in</body></html>', MAX), /not SAML IdP metadata/)
    assert.throws(() => parseIdpMetadata(metadata.replace(/<X509Certificate>[^<]+</g, '<X509Certificate>bm90IGEgY2VydA==<'), MAX), /X\.509/)
  })

  it('fetches with a timeout, a size limit, no redirects, https (or loopback http) only', async () => {
    const server = await metadataServer()
    try {
      const options = { timeoutMs: 300, maxBytes: 4096 }
      server.answer((res) => res.end(entraMetadataXml(idp)))
      assert.match(await fetchMetadata(server.url, { ...options, maxBytes: MAX }), /IDPSSODescriptor/)
      server.answer(() => undefined) // never answers
      const started = Date.now()
      await rejectsWith(fetchMetadata(server.url, options), /did not answer within 300 ms/)
      assert.ok(Date.now() - started < 5000)
      server.answer((res) => res.end('x'.repeat(10_000)))
      await rejectsWith(fetchMetadata(server.url, options), /larger than 4096 bytes/)
      server.answer((res) => { res.writeHead(200); res.write('x'.repeat(3000)); res.end('y'.repeat(3000)) })
      await rejectsWith(fetchMetadata(server.url, options), /larger than 4096 bytes/)
      server.answer((res) => { res.writeHead(302, { location: 'https://evil.test/' }); res.end() })
      await rejectsWith(fetchMetadata(server.url, options), /HTTP 302/)
      server.answer((res) => { res.writeHead(404); res.end() })
      await rejectsWith(fetchMetadata(server.url, options), /HTTP 404/)
      await rejectsWith(fetchMetadata('http://example.com/metadata.xml', options), /https/)
      await rejectsWith(fetchMetadata('file:///etc/passwd', options), /https/)
    } finally {
      await server.close()
    }
  })

  it('follows RelayState only to Roster-relative paths', () => {
    for (const good of ['/', '/console', '/console/members?tab=sso#x']) assert.equal(safeRelayState(good), good)
    for (const bad of ['https://evil.test/', '//evil.test', '/\\evil.test', '/%0d%0a', 'console', 'javascript:alert(1)', `/${'a'.repeat(80)}`, '/a b', '/\u00e9']) {
      assert.equal(safeRelayState(bad), bad === '/%0d%0a' ? bad : undefined, bad)
    }
  })
})

for (const dialect of DIALECTS) {
  describe(`SAML connections (${dialect})`, () => {
    let store: Store
    let close: () => Promise<void>
    let connections: SamlConnections
    let idp: TestIdp
    let orgA: string
    let orgB: string
    let server: Awaited<ReturnType<typeof metadataServer>>

    before(async () => {
      const database = await openTestStore(dialect)
      store = database.store
      close = database.close
      connections = new SamlConnections(store, systemClock, { publicUrl: 'https://roster.test', metadata: { timeoutMs: 1000, maxBytes: MAX } })
      idp = await createTestIdp()
      const orgs = new Organizations(store, systemClock)
      orgA = (await orgs.create('A')).id
      orgB = (await orgs.create('B')).id
      server = await metadataServer()
    })
    after(async () => {
      await server.close()
      await close()
    })

    it('creates from uploaded metadata, shows the SP values, one connection per organization', async () => {
      const created = await connections.create(orgA, { metadataXml: entraMetadataXml(idp) }, { emailDomains: ['@Acme.TEST', 'acme.test', 'sub.acme.test'] })
      assert.equal(created.tenantId, idp.tenantId)
      assert.equal(created.jitEnabled, false, 'JIT is off by default')
      assert.equal(created.allowIdpInitiated, true)
      assert.deepEqual(created.emailDomains, ['acme.test', 'sub.acme.test'])
      const view = connections.view(created)
      assert.deepEqual(view.sp, {
        entityId: `https://roster.test/sso/saml/${created.id}`,
        acsUrl: `https://roster.test/sso/saml/${created.id}/acs`,
        signOnUrl: `https://roster.test/sso/saml/${created.id}/start`,
        metadataUrl: `https://roster.test/sso/saml/${created.id}/metadata`,
      })
      assert.equal(view.idp.certificates.length, 1)
      assert.match(view.idp.certificates[0]!.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
      await rejectsWith(connections.create(orgA, { metadataXml: entraMetadataXml(idp) }), /already has an SSO connection/)
      assert.equal((await store.findSamlConnectionByDomain('sub.acme.test'))?.id, created.id)
      assert.deepEqual((await connections.getOfOrg(orgA)).idpCertificates, created.idpCertificates)
    })

    it('keeps an email domain to one organization, and refuses unknown organizations and bad input', async () => {
      await rejectsWith(connections.create(orgB, { metadataXml: entraMetadataXml(idp) }, { emailDomains: ['acme.test'] }), /already belongs to another SSO connection/)
      assert.equal(await store.findSamlConnectionOfOrg(orgB), undefined, 'nothing half-created')
      await rejectsWith(connections.create('org_nope', { metadataXml: entraMetadataXml(idp) }), /No organization/)
      await rejectsWith(connections.create(orgB, { idpEntityId: idp.entityId, idpSsoUrl: 'http://login.example/saml2', idpCertificates: [idp.signing.cert] }), /https/)
      await rejectsWith(connections.create(orgB, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: ['garbage'] }), /certificate/)
      await rejectsWith(connections.create(orgB, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert] }, { emailDomains: ['not a domain'] }), /not an email domain/)
      await rejectsWith(connections.create(orgB, { idpEntityId: 'urn:other', idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert] }, { tenantId: 'nope' }), /GUID/)
    })

    it('creates from a metadata URL and refreshes it: a rolled-over certificate arrives, a failed fetch keeps the last good values', async () => {
      const next = await generateSigningKey({ cn: 'next' })
      server.answer((res) => res.end(entraMetadataXml(idp)))
      const created = await connections.create(orgB, { metadataUrl: server.url }, { emailDomains: ['b.test'] })
      assert.equal(created.idpCertificates.length, 1)
      assert.ok(created.metadataRefreshedAt)

      server.answer((res) => res.end(entraMetadataXml(idp, [idp.signing.cert, next.cert])))
      const logs: string[] = []
      const log = { info: (_o: object, m: string) => logs.push(m), warn: (_o: object, m: string) => logs.push(m) }
      // The loop's first tick runs at once; everything refreshed more than 0 ms ago is due (so let a millisecond pass:
      // a tick in the creation's own millisecond would find nothing due, and the next tick is a minute away).
      await new Promise((resolve) => setTimeout(resolve, 5))
      const loop = startMetadataRefreshLoop(connections, store, { intervalMs: 0, tickMs: 60_000, batchSize: 10, clock: systemClock, log })
      for (let i = 0; i < 100 && !logs.includes('SAML metadata refreshed'); i++) await new Promise((resolve) => setTimeout(resolve, 20))
      await loop.stop()
      const rolled = await connections.get(orgB, created.id)
      assert.deepEqual(rolled.idpCertificates.map(bareBase64), [bareBase64(idp.signing.cert), bareBase64(next.cert)])
      assert.equal(rolled.metadataError, null)
      assert.ok(logs.includes('SAML metadata refreshed'))

      server.answer((res) => { res.writeHead(500); res.end() })
      const failed = await connections.refreshMetadata(rolled)
      assert.match(failed.metadataError ?? '', /HTTP 500/)
      assert.deepEqual((await connections.get(orgB, created.id)).idpCertificates, rolled.idpCertificates)
    })

    it('keeps request ids and consumed assertion ids per connection, expires them, and removes them with the connection', async () => {
      const a = await connections.getOfOrg(orgA)
      const b = await connections.getOfOrg(orgB)
      const now = new Date()
      const later = new Date(now.getTime() + 60_000).toISOString()
      await store.saveSamlRequest(a.id, '_req1', now.toISOString(), later)
      assert.equal(await store.findSamlRequest(a.id, '_req1', now.toISOString()), now.toISOString())
      assert.equal(await store.findSamlRequest(b.id, '_req1', now.toISOString()), undefined, "another connection's request id is unknown")
      assert.equal(await store.findSamlRequest(a.id, '_req1', later), undefined, 'expired')

      assert.equal(await store.consumeAssertionId(a.id, '_a1', later), true)
      assert.equal(await store.consumeAssertionId(a.id, '_a1', later), false, 'a replay')
      assert.equal(await store.consumeAssertionId(b.id, '_a1', later), true, 'ids are unique per connection')
      const [first, second] = await Promise.all([store.consumeAssertionId(a.id, '_race', later), store.consumeAssertionId(a.id, '_race', later)])
      assert.equal(Number(first) + Number(second), 1, 'of two concurrent uses, exactly one wins')

      assert.ok((await store.purgeExpiredSamlState(new Date(now.getTime() + 120_000).toISOString())) >= 4)
      assert.equal(await store.consumeAssertionId(a.id, '_a1', later), true, 'purged after expiry')

      // With refreshing off, the loop still purges, and fetches nothing.
      await store.consumeAssertionId(b.id, '_old', new Date(now.getTime() - 1000).toISOString())
      server.answer(() => assert.fail('no metadata fetch when refreshing is off'))
      const quiet = { info: () => undefined, warn: () => undefined }
      await startMetadataRefreshLoop(connections, store, { intervalMs: null, tickMs: 60_000, batchSize: 10, clock: systemClock, log: quiet }).stop()
      assert.equal(await store.consumeAssertionId(b.id, '_old', later), true, 'the expired id was purged by the loop')

      await connections.remove(orgA, a.id)
      await rejectsWith(connections.remove(orgA, a.id), /no SSO connection/)
      assert.equal(await store.findSamlConnectionByDomain('acme.test'), undefined)
      await rejectsWith(connections.get(orgB, a.id), /no SSO connection/)
      assert.deepEqual((await connections.list()).map((c) => c.orgId), [orgB])
    })
  })
}
