import { createServer } from 'node:net'
import type { FastifyInstance } from 'fastify'
import * as client from 'openid-client'
import { buildApp } from '../../src/app.js'
import { loadConfig, oidcSettings, type Config } from '../../src/config.js'
import type { Clock } from '../../src/lib/clock.js'
import { BackchannelLogout } from '../../src/oidc/backchannel-logout.js'
import { OidcClients } from '../../src/oidc/oidc-clients.js'
import { SigningKeys } from '../../src/oidc/signing-keys.js'
import { ApiKeys } from '../../src/orgs/api-keys.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { SamlConnections } from '../../src/sso/saml/saml-connections.js'
import { spValues } from '../../src/sso/saml/sp-values.js'
import type { Store } from '../../src/store/store.js'
import { scimHeaders } from '../helpers/build-test-app.js'
import { openTestStore, type Dialect } from '../helpers/dialects.js'
import { authnRequestOf, CLAIM, createTestIdp, entraResponse, type TestIdp } from '../helpers/saml-idp.js'

/** Time the tests can move forward (code and token expiry); SAML checks run before any move. */
export class MovableClock implements Clock {
  offsetMs = 0
  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }
}

export interface OrgWithSso {
  orgId: string
  scimToken: string
  idp: TestIdp
  connectionId: string
  /** Creates an active member over SCIM (as Entra does); returns its id and Entra object id. */
  member(userName: string, extra?: Record<string, unknown>): Promise<{ id: string; objectId: string; userName: string }>
}

/** One listening Roster (127.0.0.1, ephemeral port) with an organization on the test IdP and a registered OIDC client. */
export interface OidcFixture {
  app: FastifyInstance
  store: Store
  config: Config
  issuer: string
  clock: MovableClock
  platformKey: string
  acme: OrgWithSso
  createOrgWithSso(name: string): Promise<OrgWithSso>
  clients: OidcClients
  /** TXT records the stubbed resolver answers with, by name. */
  txt: Map<string, string[][]>
  logout: BackchannelLogout
  /** Another Roster instance on the same database (not listening; driven with inject). */
  secondInstance(): Promise<FastifyInstance>
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

export async function createOidcFixture(dialect: Dialect, env: NodeJS.ProcessEnv = {}): Promise<OidcFixture> {
  const database = await openTestStore(dialect)
  const port = await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const config = loadConfig({ DATABASE_URL: database.databaseUrl, PUBLIC_URL: issuer, PORT: String(port), WEBHOOK_ALLOW_PRIVATE_URLS: 'true', ...env })
  const store = database.store
  const clock = new MovableClock()
  const txt = new Map<string, string[][]>()
  const resolveTxt = async (name: string) => {
    const records = txt.get(name)
    if (!records) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
    return records
  }
  const app = await buildApp({ config, store, clock, logger: false, resolveTxt })
  await app.listen({ host: '127.0.0.1', port })
  const orgs = new Organizations(store, clock)
  const tokens = new ScimTokens(store, clock)
  const connections = new SamlConnections(store, clock, { publicUrl: issuer, metadata: { timeoutMs: 2000, maxBytes: 1_048_576 } })

  async function createOrgWithSso(name: string): Promise<OrgWithSso> {
    const org = await orgs.create(name)
    const scimToken = (await tokens.issue(org.id)).token
    const idp = await createTestIdp()
    const connection = await connections.create(org.id, { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert] }, {})
    return {
      orgId: org.id,
      scimToken,
      idp,
      connectionId: connection.id,
      async member(userName, extra = {}) {
        const objectId = crypto.randomUUID()
        const response = await app.inject({
          method: 'POST',
          url: '/org/scim/v2/Users',
          headers: scimHeaders(scimToken),
          payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true, userName, externalId: objectId, emails: [{ value: userName, type: 'work', primary: true }], ...extra },
        })
        if (response.statusCode !== 201) throw new Error(`SCIM create failed: ${response.statusCode} ${response.body}`)
        return { id: (response.json() as { id: string }).id, objectId, userName }
      },
    }
  }

  const acme = await createOrgWithSso('Acme')
  const platformKey = (await new ApiKeys(store, clock).create(null)).key
  const logout = new BackchannelLogout(store, new SigningKeys(store, clock), clock, { issuer, ...config.webhooks, retryBaseMs: 20, retryMaxDelayMs: 50, maxAttempts: 3, timeoutMs: 2000 }, (error) => {
    throw error
  })
  const others: Array<{ app: FastifyInstance; store: Store }> = []
  return {
    app, store, config, issuer, clock, platformKey, acme, createOrgWithSso, txt, logout,
    clients: new OidcClients(store, clock, { allowPrivateUrls: true }),
    async secondInstance() {
      const { openStore } = await import('../../src/store/open-store.js')
      const otherStore = await openStore(database.databaseUrl, { poolSize: 2 })
      const other = await buildApp({ config, store: otherStore, clock, logger: false, resolveTxt })
      others.push({ app: other, store: otherStore })
      return other
    },
    async close() {
      await logout.stop()
      for (const other of others) {
        await other.app.close()
        await other.store.close()
      }
      await app.close()
      await database.close()
    },
  }
}

/** openid-client's view of Roster for one client (discovery over loopback http). */
export async function discover(f: OidcFixture, clientId: string, clientSecret: string, auth: 'basic' | 'post' = 'basic'): Promise<client.Configuration> {
  const method = auth === 'basic' ? client.ClientSecretBasic(clientSecret) : client.ClientSecretPost(clientSecret)
  return client.discovery(new URL(f.issuer), clientId, {}, method, { execute: [client.allowInsecureRequests] })
}

export interface StartedAuthorization {
  verifier: string
  state: string
  nonce: string
  /** Where Roster sent the browser (the IdP, or an error redirect). */
  location: string
  status: number
  cookies: string[]
  body: string
}

/** The browser's first step: GET the authorization URL the relying party built (redirects not followed). */
export async function authorize(config: client.Configuration, redirectUri: string, extra: Record<string, string> = {}, pkce: 'S256' | 'plain' | 'none' = 'S256'): Promise<StartedAuthorization> {
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const params: Record<string, string> = { redirect_uri: redirectUri, scope: 'openid email profile', state, nonce, ...extra }
  if (pkce === 'S256') Object.assign(params, { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })
  if (pkce === 'plain') Object.assign(params, { code_challenge: verifier, code_challenge_method: 'plain' })
  const url = client.buildAuthorizationUrl(config, params)
  const response = await fetch(url, { redirect: 'manual' })
  return {
    verifier, state, nonce, status: response.status, location: response.headers.get('location') ?? '',
    cookies: response.headers.getSetCookie().map((c) => c.split(';')[0]!), body: await response.text(),
  }
}

/** The IdP signs the person in and posts to Roster's ACS; then the browser follows Roster to the resume URL. */
export async function completeAtIdp(f: OidcFixture, org: OrgWithSso, started: StartedAuthorization, person: { userName: string; objectId: string }, options: { acsOf?: OrgWithSso; idpInitiated?: boolean; authnInstant?: Date } = {}) {
  const request = authnRequestOf(started.location)
  const acsOrg = options.acsOf ?? org
  const sp = spValues(f.issuer, acsOrg.connectionId)
  const samlResponse = entraResponse(acsOrg.idp, {
    acsUrl: sp.acsUrl, audience: sp.entityId, nameId: person.userName, inResponseTo: acsOrg === org && !options.idpInitiated ? request.id : undefined,
    attributes: { [CLAIM.objectId]: person.objectId, [CLAIM.email]: person.userName }, authnInstant: options.authnInstant,
  })
  const acs = await fetch(sp.acsUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: request.relayState ?? '' }),
  })
  const acsBody = await acs.text()
  if (acs.status !== 303) return { acsStatus: acs.status, acsBody, status: acs.status, location: '', body: acsBody }
  const resume = await fetch(new URL(acs.headers.get('location')!, f.issuer), { redirect: 'manual', headers: { cookie: started.cookies.join('; ') } })
  return { acsStatus: acs.status, acsBody, status: resume.status, location: resume.headers.get('location') ?? '', body: await resume.text() }
}
