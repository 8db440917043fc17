import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { systemClock } from '../../src/lib/clock.js'
import { Organizations } from '../../src/orgs/organizations.js'
import { ScimTokens } from '../../src/orgs/scim-tokens.js'
import { SamlConnections, type IdpSource } from '../../src/sso/saml/saml-connections.js'
import { spValues } from '../../src/sso/saml/sp-values.js'
import type { RefusedAttempt } from '../../src/sso/saml/sso-refusal.js'
import type { SamlConnection, SpValues, VerifiedLogin } from '../../src/sso/saml/types.js'
import type { Store } from '../../src/store/store.js'
import { openTestStore, type Dialect } from '../helpers/dialects.js'
import { scimHeaders } from '../helpers/build-test-app.js'
import { authnRequestOf, createTestIdp, entraResponse, type ResponseOptions, type TestIdp } from '../helpers/saml-idp.js'

export const PUBLIC_URL = 'https://roster.test'

export interface LogLine {
  level: number
  msg: string
  reason?: string
  [key: string]: unknown
}

/** One Roster instance over a database: its app, what it logged, refused and let in. */
export interface SamlInstance {
  app: FastifyInstance
  logs: LogLine[]
  refused: RefusedAttempt[]
  logins: VerifiedLogin[]
  postAcs(samlResponse: string, options?: { relayState?: string; connectionId?: string; cookie?: string }): Promise<LightMyRequestResponse>
  /** GETs a start URL as a browser: the AuthnRequest's id, the RelayState, and the cookie to send to the ACS. */
  startLogin(url: string, cookie?: string): Promise<{ id: string; relayState: string | null; cookie: string; location: string }>
}

export interface SamlFixture extends SamlInstance {
  store: Store
  databaseUrl: string
  config: Config
  orgId: string
  scimToken: string
  idp: TestIdp
  connection: SamlConnection
  sp: SpValues
  connections: SamlConnections
  /** A SCIM user created the way Entra creates one; returns its id. */
  createMember(user: Record<string, unknown>, scimToken?: string): Promise<string>
  createOrg(name: string): Promise<{ orgId: string; scimToken: string }>
  /** Options for a response to this connection (ACS, audience) for `nameId`. */
  response(nameId: string, options?: Partial<ResponseOptions>): string
  /** A second Roster instance on the same database (the replay cache must hold across instances). */
  secondInstance(): Promise<SamlInstance>
  close(): Promise<void>
}

async function instance(config: Config, store: Store, connectionId: () => string, consoleLogin = false): Promise<SamlInstance & { close(): Promise<void> }> {
  const logs: LogLine[] = []
  const refused: RefusedAttempt[] = []
  const logins: VerifiedLogin[] = []
  const app = await buildApp({
    config,
    store,
    logger: { level: 'info', stream: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } },
    onSsoRefused: (attempt) => void refused.push(attempt),
    // consoleLogin: the real seam (a console session for admins); otherwise the test observes each login.
    completeLogin: consoleLogin
      ? undefined
      : (_request, reply, login) => {
          logins.push(login)
          return reply.type('text/html').send(`signed in ${login.memberId}`)
        },
  })
  return {
    app,
    logs,
    refused,
    logins,
    postAcs: (samlResponse, options = {}) =>
      app.inject({
        method: 'POST',
        url: `/sso/saml/${options.connectionId ?? connectionId()}/acs`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(options.cookie ? { cookie: options.cookie } : {}) },
        payload: new URLSearchParams({ SAMLResponse: samlResponse, ...(options.relayState === undefined ? {} : { RelayState: options.relayState }) }).toString(),
      }),
    async startLogin(url, cookie) {
      const response = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} })
      if (response.statusCode !== 302) throw new Error(`start answered ${response.statusCode}: ${response.body}`)
      const location = response.headers.location as string
      const setCookie = String(response.headers['set-cookie'] ?? '')
      const request = authnRequestOf(location)
      return { id: request.id, relayState: request.relayState, cookie: setCookie.split(';')[0]!, location }
    },
    close: () => app.close(),
  }
}

export async function createSamlFixture(dialect: Dialect, options: { source?: (idp: TestIdp) => IdpSource; env?: NodeJS.ProcessEnv; consoleLogin?: boolean } = {}): Promise<SamlFixture> {
  const database = await openTestStore(dialect)
  const config = loadConfig({ DATABASE_URL: database.databaseUrl, PUBLIC_URL, ...options.env })
  const store = database.store
  const orgs = new Organizations(store, systemClock)
  const tokens = new ScimTokens(store, systemClock)
  const createOrg = async (name: string) => {
    const org = await orgs.create(name)
    return { orgId: org.id, scimToken: (await tokens.issue(org.id)).token }
  }
  const { orgId, scimToken } = await createOrg('Acme')
  const idp = await createTestIdp()
  const connections = new SamlConnections(store, systemClock, { publicUrl: PUBLIC_URL, metadata: { timeoutMs: 2000, maxBytes: 1_048_576 } })
  const source = options.source?.(idp) ?? { idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [idp.signing.cert] }
  const connection = await connections.create(orgId, source, { emailDomains: ['acme.test'] })
  const sp = spValues(PUBLIC_URL, connection.id)
  const instances: { close(): Promise<void> }[] = []
  const main = await instance(config, store, () => connection.id, options.consoleLogin)
  instances.push(main)
  const secondaryStores: { close(): Promise<void> }[] = []

  return {
    ...main,
    store,
    databaseUrl: database.databaseUrl,
    config,
    orgId,
    scimToken,
    idp,
    connection,
    sp,
    connections,
    createOrg,
    async createMember(user, token = scimToken) {
      const response = await main.app.inject({
        method: 'POST',
        url: '/org/scim/v2/Users',
        headers: scimHeaders(token),
        payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true, ...user },
      })
      if (response.statusCode !== 201) throw new Error(`SCIM create failed: ${response.statusCode} ${response.body}`)
      return (response.json() as { id: string }).id
    },
    response: (nameId, extra = {}) => entraResponse(idp, { acsUrl: sp.acsUrl, audience: sp.entityId, nameId, ...extra }),
    async secondInstance() {
      const { openStore } = await import('../../src/store/open-store.js')
      const otherStore = await openStore(database.databaseUrl, { poolSize: 2 })
      secondaryStores.push(otherStore)
      const other = await instance(config, otherStore, () => connection.id)
      instances.push(other)
      return other
    },
    async close() {
      for (const i of instances) await i.close()
      for (const s of secondaryStores) await s.close()
      await database.close()
    },
  }
}

/** The refusal reasons a response was logged with (warn lines of the SSO surface). */
export const loggedReasons = (logs: LogLine[]): string[] => logs.filter((l) => typeof l.reason === 'string').map((l) => l.reason!)
