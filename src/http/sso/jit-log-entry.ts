import { buildLogEntry } from '../../provisioning/build-log-entry.js'
import { RequestCollector } from '../../provisioning/request-collector.js'
import type { ProvisioningLogEntry } from '../../provisioning/types.js'
import type { JitCreation } from '../../sso/saml/resolve-member.js'
import { SSO_SAML_BASE_PATH } from '../../sso/saml/sp-values.js'

/**
 * A member created just in time at their first SSO sign-in, as a provisioning-log entry of its organization: a
 * `create` like SCIM's (its attributes listed as changes), told apart by its client `SAML sign-in (just-in-time)`,
 * no token, and the ACS as its path, so the admin who reads the log sees who arrived by SSO rather than from Entra's
 * provisioning.
 */
export function jitLogEntry(created: JitCreation): ProvisioningLogEntry {
  const collector = new RequestCollector()
  const { user } = created
  collector.changed({
    resourceType: 'User',
    resourceId: user.id,
    name: user.userName,
    before: null,
    after: user.document,
    member: { before: null, after: { role: user.role, directoryRole: user.directoryRole, status: 'active', source: user.source } },
  })
  return buildLogEntry(
    {
      orgId: created.orgId,
      time: new Date(created.at),
      requestId: `sso-${created.connectionId}`,
      tokenId: null,
      userAgent: 'SAML sign-in (just-in-time)',
      method: 'POST',
      path: `${SSO_SAML_BASE_PATH}/${created.connectionId}/acs`,
      resourceType: 'User',
      resourceId: user.id,
      requestedName: user.userName,
      status: 201,
      scimType: null,
      detail: `Created at first SSO sign-in (just-in-time creation is on): source sso, role ${user.role}. SCIM takes the member over when Entra provisions the same userName.`,
      durationMs: 0,
    },
    collector,
  )
}
