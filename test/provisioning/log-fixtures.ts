import { randomBase32 } from '../../src/lib/ids.js'
import type { ProvisioningLogEntry } from '../../src/provisioning/types.js'

/** A plausible entry (a successful user update) at `time`; tests override what they query by. */
export function logEntry(orgId: string, time: Date, overrides: Partial<ProvisioningLogEntry> = {}): ProvisioningLogEntry {
  return {
    id: `log_${randomBase32(24)}`,
    orgId,
    time: time.toISOString(),
    requestId: `req-${randomBase32(6)}`,
    tokenId: 'tok_aaaaaaaaaaaaaaaaaaaaaaaa',
    client: null,
    method: 'PATCH',
    path: '/org/scim/v2/Users/usr_x',
    resourceType: 'User',
    resourceId: `usr_${randomBase32(24)}`,
    userName: `user.${randomBase32(6)}@contoso.test`,
    status: 200,
    outcome: 'success',
    scimType: null,
    detail: null,
    durationMs: 1.5,
    operation: 'update',
    notes: [],
    changes: [{ attribute: 'displayName', before: 'A', after: 'B' }],
    membership: null,
    ...overrides,
  }
}
