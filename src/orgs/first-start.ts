import type { Clock } from '../lib/clock.js'
import { Organizations } from './organizations.js'
import { ScimTokens } from './scim-tokens.js'
import type { OrgStore } from './store.js'
import type { Organization } from './types.js'

export type FirstStart =
  | { kind: 'created'; org: Organization; token: string }
  | { kind: 'existing'; orgs: Organization[] }

export const DEFAULT_ORGANIZATION_NAME = 'Default organization'

/**
 * On an empty database, creates a default organization and its first SCIM token so `npm start` is usable at once.
 * One transaction with organizations locked: instances starting together create one organization, and only the
 * instance that created it prints the token.
 */
export async function ensureDefaultOrganization(store: OrgStore, clock: Clock): Promise<FirstStart> {
  return store.transaction(async (tx) => {
    await tx.lockOrganizations()
    const existing = await tx.listOrganizations()
    if (existing.length) return { kind: 'existing', orgs: existing }
    const org = await new Organizations(tx, clock).create(DEFAULT_ORGANIZATION_NAME)
    const issued = await new ScimTokens(tx, clock).issue(org.id)
    return { kind: 'created', org, token: issued.token }
  })
}

/** How Roster's printed commands start; main.ts puts the server's environment in front (cliEnvironmentPrefix). */
export const CLI_COMMAND = 'npm run --silent cli --'

/** What the IT admin pastes where in Entra, in the words of the vendor's help page. */
export function setupInstructions(tenantUrl: string, token: string, org: Organization, cli = CLI_COMMAND): string {
  return [
    '',
    `Roster created the organization "${org.name}" (${org.id}) and its first SCIM token.`,
    '',
    'In the Azure Portal, open the Enterprise Application for your app → Provisioning → Get started,',
    'set Provisioning Mode to Automatic, and enter:',
    '',
    `  Tenant URL:    ${tenantUrl}`,
    `  Secret Token:  ${token}`,
    '',
    'Click Test Connection, then Save. The Secret Token is shown only this once: Roster stores only its hash.',
    `Lost it? Create another with: ${cli} scim-token create --org ${org.id}`,
    '',
  ].join('\n')
}

/** How the organization's admin gets into the console: the link when one was made, else the command that makes one. */
export function consoleInstructions(consoleUrl: string, orgId: string, signIn?: { url: string; userName: string; added: boolean }, cli = CLI_COMMAND): string {
  if (signIn) {
    return [
      `Console: ${consoleUrl}`,
      `${signIn.added ? `Added ${signIn.userName} as an ADMIN member. ` : ''}Sign in as ${signIn.userName} within 15 minutes (the link works once):`,
      '',
      `  ${signIn.url}`,
      '',
    ].join('\n')
  }
  return [
    `Console: ${consoleUrl}`,
    'To sign in, get a one-time link (it adds you as an ADMIN member if your email is new):',
    '',
    `  ${cli} admin login-link --org ${orgId} --email you@example.com`,
    '',
  ].join('\n')
}
