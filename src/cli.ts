import { Command, CommanderError } from 'commander'
import { consoleSignInUrl, loadConfig, type Config } from './config.js'
import { adminLoginLink } from './directory/console-access/admin-login-link.js'
import { LoginLinks } from './directory/console-access/login-links.js'
import { CLI_ACTOR } from './directory/member-changes.js'
import { directoryServices } from './directory/directory-services.js'
import { listAllMembers, memberSummaryOf, type MemberSummary } from './directory/members.js'
import { systemClock } from './lib/clock.js'
import { DomainError } from './lib/domain-error.js'
import { ApiKeys } from './orgs/api-keys.js'
import { Organizations } from './orgs/organizations.js'
import { ProvisioningLog } from './provisioning/provisioning-log.js'
import type { LogFilters } from './provisioning/types.js'
import { ScimTokens } from './orgs/scim-tokens.js'
import { openStore } from './store/open-store.js'
import { readFile } from 'node:fs/promises'
import type { ConnectionOptions, ConnectionView, IdpSource } from './sso/saml/saml-connections.js'
import { SSO_SAML_BASE_PATH } from './sso/saml/sp-values.js'
import type { Store } from './store/store.js'
import { OidcClients } from './oidc/oidc-clients.js'
import { OrgDomains, verificationNames } from './oidc/org-domains.js'
import { SigningKeys } from './oidc/signing-keys.js'
import type { OidcClient, OrgDomain } from './oidc/types.js'

/**
 * `npm run --silent cli -- <command>`: the same operations as the console, for people and scripts. With --json,
 * stdout carries exactly one JSON document; errors go to stderr with a non-zero exit.
 */
type Output = { json?: boolean }

async function withStore<T>(work: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig()
  // The server's connection settings (a pooler that cannot keep prepared statements, pipelining ruled out), on two
  // connections: a command needs no more.
  const store = await openStore(config.databaseUrl, {
    poolSize: 2,
    namedStatements: config.databaseNamedStatements,
    pipeline: config.databasePipeline,
  })
  try {
    return await work(store, config)
  } finally {
    await store.close()
  }
}

function print(options: Output, json: unknown, text: string): void {
  process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`)
}

const table = (rows: object[], columns: string[]): string =>
  rows.length === 0
    ? '(none)'
    : [columns.join('\t'), ...rows.map((row) => columns.map((c) => String((row as Record<string, unknown>)[c] ?? '')).join('\t'))].join('\n')

const program = new Command('roster')
  .description('Roster: SCIM provisioning from Microsoft Entra ID into organizations')
  .showHelpAfterError()
  .exitOverride()

const org = program.command('org').description('organizations')
org
  .command('create')
  .description('creates an organization')
  .requiredOption('--name <name>', 'organization name')
  .option('--json', 'print JSON')
  .action((options: Output & { name: string }) =>
    withStore(async (store) => {
      const created = await new Organizations(store, systemClock).create(options.name)
      print(options, { id: created.id, name: created.name }, `Created organization ${created.id} (${created.name}).`)
    }),
  )
org
  .command('list')
  .description('lists the organizations')
  .option('--json', 'print JSON')
  .action((options: Output) =>
    withStore(async (store) => {
      const orgs = (await new Organizations(store, systemClock).list()).map((o) => ({ id: o.id, name: o.name, createdAt: o.createdAt }))
      print(options, orgs, table(orgs, ['id', 'name', 'createdAt']))
    }),
  )

org
  .command('settings')
  .description("prints an organization's settings; --role-management switches how roles are managed")
  .requiredOption('--org <orgId>', 'organization id')
  .option('--role-management <mode>', 'scim (roles come from the identity provider) or platform (admins set roles in Roster)')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; roleManagement?: string }) =>
    withStore(async (store) => {
      const found = await new Organizations(store, systemClock).get(options.org)
      const settings = directoryServices(store, { clock: systemClock }).roleSettings
      let note = ''
      if (options.roleManagement !== undefined) {
        const switched = await settings.set(options.org, options.roleManagement, CLI_ACTOR)
        if (switched.from !== switched.to) {
          note = `\nSwitched role management from ${switched.from} to ${switched.to}` +
            (switched.to === 'scim' ? `; ${switched.membersChanged} member(s) got their directory role.` : '; no role changed.')
        }
      }
      const roleManagement = await settings.get(options.org)
      print(options, { id: found.id, name: found.name, roleManagement }, `${found.id}\t${found.name}\trole management: ${roleManagement}${note}`)
    }),
  )

const token = program.command('scim-token').description("an organization's SCIM bearer tokens")
token
  .command('create')
  .description("creates a SCIM token for Entra's Secret Token field (shown once)")
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      const issued = await new ScimTokens(store, systemClock).issue(options.org)
      print(
        options,
        { id: issued.record.id, token: issued.token },
        `Created SCIM token ${issued.record.id}. Paste it into Entra's Secret Token field; it is not shown again:\n\n  ${issued.token}\n`,
      )
    }),
  )
token
  .command('list')
  .description("lists an organization's SCIM tokens (never their secrets)")
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      await new Organizations(store, systemClock).get(options.org)
      const tokens = await new ScimTokens(store, systemClock).list(options.org)
      print(options, tokens, table(tokens, ['id', 'active', 'createdAt', 'lastUsedAt', 'revokedAt']))
    }),
  )
token
  .command('revoke')
  .description('revokes a SCIM token: requests with it get 401 at once')
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--id <tokenId>', 'token id (tok_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; id: string }) =>
    withStore(async (store) => {
      await new ScimTokens(store, systemClock).revoke(options.org, options.id)
      print(options, { id: options.id, revoked: true }, `Revoked SCIM token ${options.id}; requests using it now get 401.`)
    }),
  )

const apiKey = program.command('api-key').description("the host product's API keys (platform-wide or one organization's)")
apiKey
  .command('create')
  .description('creates an API key for /api/v1 (shown once)')
  .option('--platform', 'a platform key: acts on every organization')
  .option('--org <orgId>', "an organization key: acts on that organization only")
  .option('--json', 'print JSON')
  .action((options: Output & { platform?: boolean; org?: string }) =>
    withStore(async (store) => {
      if (Boolean(options.platform) === (options.org !== undefined)) throw new Error('give exactly one of --platform or --org ORG_ID')
      const issued = await new ApiKeys(store, systemClock).create(options.org ?? null)
      const scope = options.org === undefined ? 'platform' : `organization ${options.org}`
      print(options, { id: issued.record.id, key: issued.key }, `Created ${scope} API key ${issued.record.id}. It is not shown again:\n\n  ${issued.key}\n`)
    }),
  )
apiKey
  .command('list')
  .description('lists API keys (never their secrets)')
  .option('--org <orgId>', "only this organization's keys")
  .option('--json', 'print JSON')
  .action((options: Output & { org?: string }) =>
    withStore(async (store) => {
      if (options.org !== undefined) await new Organizations(store, systemClock).get(options.org)
      const keys = await new ApiKeys(store, systemClock).list(options.org)
      print(options, keys, table(keys, ['id', 'organization', 'active', 'createdAt', 'lastUsedAt', 'revokedAt']))
    }),
  )
apiKey
  .command('revoke')
  .description('revokes an API key: requests with it get 401 at once')
  .requiredOption('--id <keyId>', 'key id (key_…)')
  .option('--org <orgId>', 'refuse unless the key belongs to this organization')
  .option('--json', 'print JSON')
  .action((options: Output & { id: string; org?: string }) =>
    withStore(async (store) => {
      await new ApiKeys(store, systemClock).revoke(options.id, options.org)
      print(options, { id: options.id, revoked: true }, `Revoked API key ${options.id}; requests using it now get 401.`)
    }),
  )

/** --org ORG_ID or --platform, exactly one: the scope of a webhook command. */
async function webhookScope(store: Store, options: { org?: string; platform?: boolean }): Promise<string | null> {
  if (Boolean(options.platform) === (options.org !== undefined)) throw new Error('give exactly one of --org ORG_ID or --platform')
  if (options.org !== undefined) await new Organizations(store, systemClock).get(options.org)
  return options.org ?? null
}
// Loaded on use: the commands most scripts run (org, scim-token) start faster without the webhook modules.
const webhooksOf = async (store: Store) => {
  const { Webhooks } = await import('./events/webhooks/webhooks.js')
  return new Webhooks(store, systemClock, { allowPrivateUrls: loadConfig().webhooks.allowPrivateUrls })
}

const webhook = program.command('webhook').description('webhook endpoints (an organization\'s, or platform-wide)')
webhook
  .command('add')
  .description('adds a webhook endpoint (its signing secret is shown once)')
  .option('--org <orgId>', 'organization id')
  .option('--platform', "every organization's events")
  .requiredOption('--url <url>', 'https:// URL of the receiver')
  .option('--events <types>', 'comma-separated event types (default: all)')
  .option('--json', 'print JSON')
  .action((options: Output & { org?: string; platform?: boolean; url: string; events?: string }) =>
    withStore(async (store) => {
      const scope = await webhookScope(store, options)
      const eventTypes = options.events?.split(',').map((type) => type.trim()).filter(Boolean)
      const { endpoint, secret } = await (await webhooksOf(store)).create(scope, { url: options.url, eventTypes })
      print(options, { id: endpoint.id, secret }, `Added webhook ${endpoint.id} → ${endpoint.url}. Its signing secret is not shown again:\n\n  ${secret}\n`)
    }),
  )
webhook
  .command('list')
  .description('lists webhook endpoints')
  .option('--org <orgId>', 'organization id')
  .option('--platform', 'platform-wide endpoints')
  .option('--json', 'print JSON')
  .action((options: Output & { org?: string; platform?: boolean }) =>
    withStore(async (store) => {
      const scope = await webhookScope(store, options)
      const endpoints = (await (await webhooksOf(store)).list(scope, { limit: 1000 })).map((e) => ({
        id: e.id, organization: e.orgId, url: e.url, eventTypes: e.eventTypes, status: e.status, createdAt: e.createdAt,
      }))
      print(options, endpoints, table(endpoints, ['id', 'url', 'status', 'eventTypes', 'createdAt']))
    }),
  )
webhook
  .command('remove')
  .description('removes a webhook endpoint')
  .option('--org <orgId>', 'organization id')
  .option('--platform', 'a platform-wide endpoint')
  .requiredOption('--id <webhookId>', 'endpoint id (whk_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { org?: string; platform?: boolean; id: string }) =>
    withStore(async (store) => {
      await (await webhooksOf(store)).remove(await webhookScope(store, options), options.id)
      print(options, { id: options.id, removed: true }, `Removed webhook ${options.id}.`)
    }),
  )

const events = program.command('events').description("an organization's event feed")
events
  .command('list')
  .description('prints events of the feed, oldest first, after a cursor')
  .requiredOption('--org <orgId>', 'organization id')
  .option('--after <cursor>', 'the "next" of the previous run')
  .option('--limit <n>', 'most events to print', '100')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; after?: string; limit: string }) =>
    withStore(async (store) => {
      await new Organizations(store, systemClock).get(options.org)
      const { eventJson, EventFeed } = await import('./events/feed.js')
      const { decodeCursor, encodeCursor } = await import('./http/api/cursor.js')
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be an integer from 1 to 1000')
      let afterSeq: number | undefined
      try {
        afterSeq = options.after === undefined ? undefined : decodeCursor<number>(options.after, 'evo', 'number')
      } catch (error) {
        throw new Error(error instanceof Error ? error.message.replace('`after`', '--after') : String(error))
      }
      const found = await new EventFeed(store, { retentionDays: loadConfig().eventRetentionDays }).organization(options.org, afterSeq, limit)
      const next = found.length ? encodeCursor('evo', found[found.length - 1]!.sequence) : (options.after ?? null)
      const data = found.map(eventJson)
      print(options, { data, next }, `${table(data, ['sequence', 'id', 'type', 'time'])}\nnext: ${next ?? '(none)'}`)
    }),
  )


const MEMBER_COLUMNS: (keyof MemberSummary)[] = ['id', 'userName', 'displayName', 'email', 'role', 'directoryRole', 'status', 'source', 'lastProvisionedAt']
const membersOf = (store: Store) => directoryServices(store, { clock: systemClock }).members

const member = program.command('member').description("an organization's members (provisioned or added by hand)")
member
  .command('list')
  .description("lists an organization's members")
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      await new Organizations(store, systemClock).get(options.org)
      const members = (await listAllMembers(membersOf(store), options.org)).map(memberSummaryOf)
      print(options, members, table(members, MEMBER_COLUMNS))
    }),
  )
member
  .command('add')
  .description('adds a member by hand (source: manual); the first SCIM write to the same userName takes it over')
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--user-name <userName>', 'sign-in name, e.g. ada@example.com')
  .option('--email <email>', 'email address')
  .option('--display-name <name>', 'display name')
  .option('--role <role>', 'ADMIN, SCHEDULER or INTERVIEWER (default INTERVIEWER); applies in either role-management mode')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; userName: string; email?: string; displayName?: string; role?: string }) =>
    withStore(async (store) => {
      const added = await membersOf(store).addMember(
        options.org,
        { userName: options.userName, email: options.email, displayName: options.displayName, role: options.role },
        CLI_ACTOR,
      )
      print(options, memberSummaryOf(added), `Added member ${added.id} (${added.userName}) as ${added.role}.`)
    }),
  )
member
  .command('set-role')
  .description("changes a member's role; refused while the organization's roles are managed by SCIM")
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--member <memberId>', 'member id (usr_…)')
  .requiredOption('--role <role>', 'ADMIN, SCHEDULER or INTERVIEWER')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; member: string; role: string }) =>
    withStore(async (store) => {
      const changed = await membersOf(store).changeMemberRole(options.org, options.member, options.role, CLI_ACTOR)
      print(options, memberSummaryOf(changed), `Member ${changed.id} (${changed.userName}) is now ${changed.role}.`)
    }),
  )

const admin = program.command('admin').description("the console's organization admins")
admin
  .command('login-link')
  .description('print a one-time console sign-in link (15 minutes) for an active ADMIN member; adds the member when the email names none')
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--email <email>', "the admin's email or userName")
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; email: string }) =>
    withStore(async (store, config) => {
      await new Organizations(store, systemClock).get(options.org)
      const members = membersOf(store)
      const issued = await adminLoginLink({ store, members, links: new LoginLinks(store, systemClock) }, options.org, options.email)
      const url = consoleSignInUrl(config, issued.token)
      const added = issued.addedMember ? `No member had that email, so ${issued.member.userName} was added as a manual ADMIN member (${issued.member.id}).\n` : ''
      print(
        options,
        { url, expiresAt: issued.expiresAt, memberId: issued.member.id, addedMember: issued.addedMember },
        `${added}Open this link within 15 minutes to sign in to the console as ${issued.member.userName}; it works once:\n\n  ${url}\n`,
      )
    }),
  )

const log = program.command('log').description("an organization's provisioning log (every SCIM request)")
log
  .command('list')
  .description('entries newest first; --after with the previous page\'s "next" for the following page')
  .requiredOption('--org <orgId>', 'organization id')
  .option('--since <iso>', 'only entries at or after this time (ISO-8601)')
  .option('--until <iso>', 'only entries before this time (ISO-8601)')
  .option('--outcome <outcome>', 'success or failure')
  .option('--operation <operation>', 'create, update, deactivate, reactivate, delete or group_membership')
  .option('--resource <id>', 'a user or group id, or a userName / group displayName')
  .option('--text <text>', 'case-insensitive text in the name, id, path, detail, client or notes')
  .option('--limit <n>', 'entries per page, 1 to 1000', '50')
  .option('--after <cursor>', 'the "next" cursor of the previous page')
  .option('--json', 'print JSON')
  .action((options: Output & LogFilters & { org: string; limit: string; after?: string }) =>
    withStore(async (store) => {
      await new Organizations(store, systemClock).get(options.org)
      const { since, until, outcome, operation, resource, text } = options
      const page = await new ProvisioningLog(store, systemClock).queryLog(
        options.org,
        { since, until, outcome, operation, resource, text },
        { limit: Number(options.limit), after: options.after ?? null },
      )
      const rows = page.entries.map((e) => ({ ...e, name: e.userName ?? e.resourceId ?? '', detail: e.detail ?? '' }))
      const more = page.next ? `\n(more: --after ${page.next})` : ''
      print(options, page, table(rows, ['time', 'status', 'method', 'operation', 'name', 'detail']) + more)
    }),
  )

// SSO (SAML): the same SamlConnections methods /api/v1 and the console wrap.
// Loaded on first use, so that commands without SSO start no slower (each CLI run is a process of its own).
const samlConnections = async (store: Store) => {
  const config = loadConfig()
  const { SamlConnections } = await import('./sso/saml/saml-connections.js')
  return new SamlConnections(store, systemClock, {
    publicUrl: config.publicUrl,
    metadata: { timeoutMs: config.samlMetadataTimeoutMs, maxBytes: config.samlMetadataMaxBytes },
  })
}
type IdpOptions = {
  metadataUrl?: string
  metadataFile?: string
  entityId?: string
  ssoUrl?: string
  certificate?: string[]
  emailDomain?: string[]
  tenantId?: string
  jit?: boolean
  idpInitiated?: boolean
}
const collect = (value: string, previous: string[] = []) => [...previous, value]

async function idpSource(options: IdpOptions, required: boolean): Promise<IdpSource | undefined> {
  const manual = options.entityId !== undefined || options.ssoUrl !== undefined || options.certificate !== undefined
  const given = [options.metadataUrl !== undefined, options.metadataFile !== undefined, manual].filter(Boolean).length
  if (given > 1) throw new DomainError('invalid', 'Give one of --metadata-url, --metadata-file, or --entity-id with --sso-url and --certificate')
  if (options.metadataUrl !== undefined) return { metadataUrl: options.metadataUrl }
  if (options.metadataFile !== undefined) return { metadataXml: await readFile(options.metadataFile, 'utf8') }
  if (manual) {
    if (!options.entityId || !options.ssoUrl || !options.certificate?.length) {
      throw new DomainError('invalid', 'By hand, give --entity-id, --sso-url and at least one --certificate FILE')
    }
    const certificates = await Promise.all(options.certificate.map((file) => readFile(file, 'utf8')))
    return { idpEntityId: options.entityId, idpSsoUrl: options.ssoUrl, idpCertificates: certificates }
  }
  if (required) throw new DomainError('invalid', 'Give --metadata-url URL, --metadata-file FILE, or --entity-id, --sso-url and --certificate FILE')
  return undefined
}
const connectionSettings = (options: IdpOptions): ConnectionOptions => ({
  emailDomains: options.emailDomain,
  tenantId: options.tenantId,
  jitEnabled: options.jit,
  allowIdpInitiated: options.idpInitiated,
})

/** `show --json`: the values to paste into Entra at the top level (issue 9 §6), then the rest. */
const showJson = (view: ConnectionView) => ({ ...view.sp, ...view })
const showText = (view: ConnectionView) =>
  [
    `SSO connection ${view.id} of organization ${view.orgId}`,
    '',
    "Paste into Entra (Enterprise app → Single sign-on → SAML → Basic SAML Configuration):",
    `  Identifier (Entity ID):        ${view.sp.entityId}`,
    `  Reply URL (ACS URL):           ${view.sp.acsUrl}`,
    `  Sign on URL:                   ${view.sp.signOnUrl}`,
    `SP metadata:                     ${view.sp.metadataUrl}`,
    '',
    `IdP entity ID:   ${view.idp.entityId}`,
    `IdP sign-on URL: ${view.idp.signOnUrl}`,
    `Tenant ID:       ${view.idp.tenantId ?? '(none)'}`,
    ...view.idp.certificates.map((c) => `Certificate:     ${c.fingerprintSha256} valid ${c.notBefore} → ${c.notAfter}`),
    `Metadata URL:    ${view.idp.metadataUrl ?? '(none)'}${view.idp.metadataError ? ` (last refresh failed: ${view.idp.metadataError})` : ''}`,
    `Email domains:   ${view.emailDomains.join(', ') || '(none)'}`,
    `IdP-initiated:   ${view.allowIdpInitiated ? 'accepted' : 'refused'}    JIT: ${view.jitEnabled ? 'on' : 'off'}`,
  ].join('\n')

const withIdpOptions = (command: Command) =>
  command
    .option('--metadata-url <url>', "Entra's App Federation Metadata Url (fetched now and refreshed in the background)")
    .option('--metadata-file <file>', "Entra's Federation Metadata XML, downloaded")
    .option('--entity-id <id>', "by hand: Entra's Microsoft Entra Identifier (https://sts.windows.net/TENANT/)")
    .option('--sso-url <url>', "by hand: Entra's Login URL")
    .option('--certificate <file>', 'by hand: a signing certificate (PEM or Base64); repeat for several', collect)
    .option('--email-domain <domain>', 'an email domain whose people sign in here; repeat for several', collect)
    .option('--tenant-id <guid>', "Entra's tenant ID, when the entity ID does not name it")
    .option('--jit', 'turn just-in-time member creation on')
    .option('--no-jit', 'turn just-in-time member creation off')
    .option('--idp-initiated', 'accept logins started at the IdP (the default)')
    .option('--no-idp-initiated', "refuse logins started at the IdP (Entra's My Apps, Test this application)")
    .option('--json', 'print JSON')

const sso = program.command('sso').description('single sign-on')
// The issue's short forms: `sso set` creates the organization's connection or updates it, `sso show` prints it.
withIdpOptions(sso.command('set').description("create or update the organization's SAML connection").requiredOption('--org <orgId>', 'organization id')).action(
  (options: Output & IdpOptions & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const current = await connections.getOfOrg(options.org).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') return undefined
        throw error
      })
      const saved = current === undefined
        ? await connections.create(options.org, (await idpSource(options, true))!, connectionSettings(options))
        : await connections.update(options.org, current.id, await idpSource(options, false), connectionSettings(options))
      const view = connections.view(saved)
      print(options, showJson(view), showText(view))
    }),
)
sso
  .command('show')
  .description('the values to paste into Entra, and the connection')
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const view = connections.view(await connections.getOfOrg(options.org))
      print(options, showJson(view), showText(view))
    }),
  )
const connection = sso.command('connection').description("an organization's SAML connection (Entra's Enterprise app)")
withIdpOptions(connection.command('create').description("creates the organization's SAML connection").requiredOption('--org <orgId>', 'organization id')).action(
  (options: Output & IdpOptions & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const created = await connections.create(options.org, (await idpSource(options, true))!, connectionSettings(options))
      const view = connections.view(created)
      print(options, showJson(view), showText(view))
    }),
)
withIdpOptions(connection.command('update').description('updates the connection; what is not given stays').requiredOption('--org <orgId>', 'organization id')).action(
  (options: Output & IdpOptions & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const current = await connections.getOfOrg(options.org)
      const updated = await connections.update(options.org, current.id, await idpSource(options, false), connectionSettings(options))
      const view = connections.view(updated)
      print(options, showJson(view), showText(view))
    }),
)
connection
  .command('show')
  .description('the values to paste into Entra, and the connection')
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const view = connections.view(await connections.getOfOrg(options.org))
      print(options, showJson(view), showText(view))
    }),
  )
connection
  .command('list')
  .description('lists SAML connections')
  .option('--org <orgId>', 'only this organization')
  .option('--json', 'print JSON')
  .action((options: Output & { org?: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const rows = (await connections.list(options.org)).map((c) => ({
        id: c.id,
        orgId: c.orgId,
        idpEntityId: c.idpEntityId,
        metadataUrl: c.metadataUrl,
        emailDomains: c.emailDomains,
        createdAt: c.createdAt,
      }))
      print(options, rows, table(rows, ['id', 'orgId', 'idpEntityId', 'emailDomains', 'createdAt']))
    }),
  )
connection
  .command('remove')
  .description("removes the organization's SAML connection")
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--id <connectionId>', 'connection id (saml_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; id: string }) =>
    withStore(async (store) => {
      await (await samlConnections(store)).remove(options.org, options.id)
      print(options, { id: options.id, removed: true }, `Removed SSO connection ${options.id}; its members can no longer sign in with SSO.`)
    }),
  )
connection
  .command('refresh')
  .description("fetches the connection's metadata URL again now")
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const current = await connections.getOfOrg(options.org)
      if (current.metadataUrl === null) throw new DomainError('invalid', 'The connection has no metadata URL to refresh from')
      const refreshed = await connections.refreshMetadata(current)
      if (refreshed.metadataError !== null) throw new DomainError('invalid', `Refresh failed: ${refreshed.metadataError}`)
      const view = connections.view(refreshed)
      print(options, showJson(view), showText(view))
    }),
  )
sso
  .command('test-login')
  .description('prints a link that starts an SP-initiated sign-in')
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      await (await samlConnections(store)).getOfOrg(options.org)
      const url = `${loadConfig().publicUrl}${SSO_SAML_BASE_PATH}/start?org=${encodeURIComponent(options.org)}`
      print(options, { url }, `Open this link to start an SP-initiated login:\n\n  ${url}\n`)
    }),
  )

const oidcClientsOf = (store: Store) => new OidcClients(store, systemClock, { allowPrivateUrls: loadConfig().webhooks.allowPrivateUrls })
const oidcClientJson = (c: OidcClient) => ({ clientId: c.id, name: c.name, redirectUris: c.redirectUris, backchannelLogoutUri: c.backchannelLogoutUri, createdAt: c.createdAt })
const domainJson = (d: OrgDomain) => ({ id: d.id, domain: d.domain, verified: d.verifiedAt !== null, verifiedAt: d.verifiedAt, verificationValue: d.verificationValue, txtRecordNames: verificationNames(d.domain), createdAt: d.createdAt })

const oidcClient = program.command('oidc-client').description("the host product's OpenID Connect clients")
oidcClient
  .command('create')
  .description('registers an OpenID Connect client (its secret is shown once)')
  .requiredOption('--name <name>', 'what the client is (shown to operators)')
  .option('--redirect-uri <uri>', 'an exact redirect URI (repeat for more)', collect, [])
  .option('--backchannel-logout-uri <uri>', 'where Roster POSTs back-channel logout tokens')
  .option('--json', 'print JSON')
  .action((options: Output & { name: string; redirectUri: string[]; backchannelLogoutUri?: string }) =>
    withStore(async (store) => {
      const { client, clientSecret } = await oidcClientsOf(store).create({ name: options.name, redirectUris: options.redirectUri, backchannelLogoutUri: options.backchannelLogoutUri ?? null })
      print(options, { clientId: client.id, clientSecret }, `Created OIDC client ${client.id}. Its secret is not shown again:\n\n  ${clientSecret}\n\nIssuer: ${loadConfig().publicUrl}`)
    }),
  )
oidcClient
  .command('list')
  .description('lists OpenID Connect clients')
  .option('--json', 'print JSON')
  .action((options: Output) =>
    withStore(async (store) => {
      const clients = (await oidcClientsOf(store).list()).map(oidcClientJson)
      print(options, clients, table(clients, ['clientId', 'name', 'redirectUris', 'backchannelLogoutUri', 'createdAt']))
    }),
  )
oidcClient
  .command('remove')
  .description('removes an OpenID Connect client')
  .requiredOption('--id <clientId>', 'client id (rpc_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { id: string }) =>
    withStore(async (store) => {
      await oidcClientsOf(store).remove(options.id)
      print(options, { clientId: options.id, removed: true }, `Removed OIDC client ${options.id}.`)
    }),
  )

program
  .command('oidc-key')
  .description("the OpenID Connect provider's signing keys")
  .command('rotate')
  .description('makes a new signing key active; the previous one stays published')
  .option('--json', 'print JSON')
  .action((options: Output) =>
    withStore(async (store) => {
      const rotated = await new SigningKeys(store, systemClock).rotate()
      print(options, rotated, `New signing key ${rotated.kid} is active. Published in the JWKS: ${rotated.published.join(', ')}; the key before the previous one is retired.`)
    }),
  )

const domain = program.command('domain').description("an organization's claimed email domains (OpenID Connect login_hint routing)")
domain
  .command('add')
  .description('claims an email domain; prints the DNS TXT record to publish')
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--domain <domain>', 'e.g. example.com')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; domain: string }) =>
    withStore(async (store) => {
      const claim = domainJson(await new OrgDomains(store, systemClock).add(options.org, options.domain))
      print(options, claim, `Publish this DNS TXT record at _roster.${claim.domain} (or at ${claim.domain}):\n\n  ${claim.verificationValue}\n\nthen run: npm run --silent cli -- domain verify --org ${options.org} --id ${claim.id}`)
    }),
  )
domain
  .command('verify')
  .description('looks the TXT record up and marks the domain verified')
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--id <domainId>', 'domain claim id (dom_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; id: string }) =>
    withStore(async (store) => {
      const claim = domainJson(await new OrgDomains(store, systemClock).verify(options.org, options.id))
      print(options, claim, `${claim.domain} is verified for organization ${options.org}.`)
    }),
  )
domain
  .command('list')
  .description("lists the organization's domain claims")
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      const claims = (await new OrgDomains(store, systemClock).list(options.org)).map(domainJson)
      print(options, claims, table(claims, ['id', 'domain', 'verified', 'verificationValue']))
    }),
  )
domain
  .command('remove')
  .description('removes a domain claim')
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--id <domainId>', 'domain claim id (dom_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; id: string }) =>
    withStore(async (store) => {
      await new OrgDomains(store, systemClock).remove(options.org, options.id)
      print(options, { id: options.id, removed: true }, `Removed domain claim ${options.id}.`)
    }),
  )

// `roster member list | head` closes stdout early; that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander has already printed what to say; --help is exit code 0, a usage error non-zero.
  if (error instanceof CommanderError) process.exit(error.exitCode)
  const message = error instanceof DomainError || error instanceof Error ? error.message : String(error)
  process.stderr.write(`error: ${message}\n`)
  process.exit(1)
})
