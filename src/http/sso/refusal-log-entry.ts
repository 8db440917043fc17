import { buildLogEntry } from '../../provisioning/build-log-entry.js'
import type { ProvisioningLogEntry } from '../../provisioning/types.js'
import type { RefusedAttempt } from '../../sso/saml/sso-refusal.js'
import { SSO_SAML_BASE_PATH } from '../../sso/saml/sp-values.js'

/**
 * A refused SSO sign-in as a provisioning-log entry of its organization (issue 9 §4: "the attempt is in the
 * provisioning log"), so the admin who reads the log sees who was turned away and why. Attempts that name no
 * organization (an unknown connection) have no log to go to; the server log has them.
 */
export function refusalLogEntry(attempt: RefusedAttempt): ProvisioningLogEntry | undefined {
  if (attempt.orgId === null) return undefined
  return buildLogEntry(
    {
      orgId: attempt.orgId,
      time: new Date(attempt.at),
      requestId: `sso-${attempt.connectionId}`,
      tokenId: null,
      userAgent: 'SAML sign-in',
      method: 'POST',
      path: `${SSO_SAML_BASE_PATH}/${attempt.connectionId}/acs`,
      resourceType: attempt.memberId === null ? null : 'User',
      resourceId: attempt.memberId,
      requestedName: attempt.nameId,
      status: 403,
      scimType: null,
      detail: `SSO sign-in refused (${attempt.reason}): ${attempt.detail}`,
      durationMs: 0,
    },
    undefined,
  )
}
