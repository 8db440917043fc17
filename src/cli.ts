import { Command, CommanderError } from 'commander'
import { loadConfig } from './config.js'
import { listMembers } from './directory/members.js'
import { systemClock } from './lib/clock.js'
import { DomainError } from './lib/domain-error.js'
import { Organizations } from './orgs/organizations.js'
import { ScimTokens } from './orgs/scim-tokens.js'
import { openStore } from './store/open-store.js'
import { readFile } from 'node:fs/promises'
import type { ConnectionOptions, ConnectionView, IdpSource } from './sso/saml/saml-connections.js'
import { SSO_SAML_BASE_PATH } from './sso/saml/sp-values.js'
import type { Store } from './store/store.js'

/**
 * `npm run --silent cli -- <command>`: the same operations as the console, for people and scripts. With --json,
 * stdout carries exactly one JSON document; errors go to stderr with a non-zero exit.
 */
type Output = { json?: boolean }

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const store = await openStore(config.databaseUrl, { poolSize: 2 })
  try {
    return await work(store)
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
  .option('--json', 'print JSON')
  .action((options: Output) =>
    withStore(async (store) => {
      const orgs = (await new Organizations(store, systemClock).list()).map((o) => ({ id: o.id, name: o.name, createdAt: o.createdAt }))
      print(options, orgs, table(orgs, ['id', 'name', 'createdAt']))
    }),
  )

const token = program.command('scim-token').description("an organization's SCIM bearer tokens")
token
  .command('create')
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
  .requiredOption('--org <orgId>', 'organization id')
  .requiredOption('--id <tokenId>', 'token id (tok_…)')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string; id: string }) =>
    withStore(async (store) => {
      await new ScimTokens(store, systemClock).revoke(options.org, options.id)
      print(options, { id: options.id, revoked: true }, `Revoked SCIM token ${options.id}; requests using it now get 401.`)
    }),
  )

const member = program.command('member').description("an organization's members (provisioned users)")
member
  .command('list')
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      await new Organizations(store, systemClock).get(options.org)
      const members = await listMembers(store, options.org)
      print(options, members, table(members, ['id', 'userName', 'displayName', 'email', 'role', 'active']))
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
const connection = sso.command('connection').description("an organization's SAML connection (Entra's Enterprise app)")
withIdpOptions(connection.command('create').requiredOption('--org <orgId>', 'organization id')).action(
  (options: Output & IdpOptions & { org: string }) =>
    withStore(async (store) => {
      const connections = await samlConnections(store)
      const created = await connections.create(options.org, (await idpSource(options, true))!, connectionSettings(options))
      const view = connections.view(created)
      print(options, showJson(view), showText(view))
    }),
)
withIdpOptions(connection.command('update').requiredOption('--org <orgId>', 'organization id')).action(
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
  .requiredOption('--org <orgId>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: Output & { org: string }) =>
    withStore(async (store) => {
      await (await samlConnections(store)).getOfOrg(options.org)
      const url = `${loadConfig().publicUrl}${SSO_SAML_BASE_PATH}/start?org=${encodeURIComponent(options.org)}`
      print(options, { url }, `Open this link to start an SP-initiated login:\n\n  ${url}\n`)
    }),
  )

// `roster member list | head` closes stdout early; that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode || 1)
  const message = error instanceof DomainError || error instanceof Error ? error.message : String(error)
  process.stderr.write(`error: ${message}\n`)
  process.exit(1)
})
