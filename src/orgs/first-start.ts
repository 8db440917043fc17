import type { Organizations } from './organizations.js'
import type { ScimTokens } from './scim-tokens.js'
import type { Organization } from './types.js'

export type FirstStart =
  | { kind: 'created'; org: Organization; token: string }
  | { kind: 'existing'; orgs: Organization[] }

export const DEFAULT_ORGANIZATION_NAME = 'Default organization'

/** On an empty database, creates a default organization and its first SCIM token so `npm start` is usable at once. */
export async function ensureDefaultOrganization(orgs: Organizations, tokens: ScimTokens): Promise<FirstStart> {
  const existing = await orgs.list()
  if (existing.length) return { kind: 'existing', orgs: existing }
  const org = await orgs.create(DEFAULT_ORGANIZATION_NAME)
  const issued = await tokens.issue(org.id)
  return { kind: 'created', org, token: issued.token }
}

/** What the IT admin pastes where in Entra, in the words of the vendor's help page. */
export function setupInstructions(tenantUrl: string, token: string, org: Organization): string {
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
    `Lost it? Create another with: npm run --silent cli -- scim-token create --org ${org.id}`,
    '',
  ].join('\n')
}
