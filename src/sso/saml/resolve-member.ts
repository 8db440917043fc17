import type { DirectoryStore } from '../../directory/store.js'
import type { Members } from '../../directory/members.js'
import type { DirectoryUser } from '../../directory/types.js'
import { jitIdentity } from './jit-identity.js'
import { matchMember } from './match-member.js'
import { SsoRefusal } from './sso-refusal.js'
import type { SamlConnection } from './types.js'
import type { VerifiedAssertion } from './verify-response.js'

/** A member created by a just-in-time sign-in, as the provisioning log records it. */
export interface JitCreation {
  orgId: string
  connectionId: string
  user: DirectoryUser
  at: string
}

/** What just-in-time creation needs: the directory's Members service (its writes carry their events). */
export interface JitOptions {
  members: Members
  /** Told about each creation after it committed (the provisioning log); must not throw. */
  onCreated?: (created: JitCreation) => void
}

/** Two first sign-ins of one person at once: the loser matches again; a third round would mean a bug, not a race. */
const MAX_ROUNDS = 3

/**
 * The member a verified login signs in as: `matchMember` (who gets in), and when nobody matches and the connection has
 * just-in-time creation on, a new `sso` member, unless the directory deleted that person (tombstone: refused with
 * `deleted_by_directory`). Deactivated members are refused by `matchMember` before creation is ever considered.
 */
export async function resolveMember(
  store: DirectoryStore,
  connection: SamlConnection,
  verified: VerifiedAssertion,
  jit: JitOptions | undefined,
  now: () => Date,
): Promise<DirectoryUser> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    try {
      return (await matchMember(store, connection.orgId, verified)).user
    } catch (error) {
      if (!(error instanceof SsoRefusal) || error.reason !== 'not_provisioned' || !connection.jitEnabled || jit === undefined) throw error
    }
    const input = jitIdentity(verified)
    if (input === undefined) {
      throw new SsoRefusal('not_provisioned', `no member matches, and just-in-time creation needs a userName: the NameID "${verified.nameId}" is opaque (persistent or transient) and the assertion has no name (UPN) or emailaddress claim`, { nameId: verified.nameId })
    }
    const outcome = await jit.members.addSsoMember(connection.orgId, input, { kind: 'sso', id: connection.id })
    switch (outcome.kind) {
      case 'created':
        try {
          jit.onCreated?.({ orgId: connection.orgId, connectionId: connection.id, user: outcome.user, at: now().toISOString() })
        } catch {
          // Observability never fails a sign-in.
        }
        return outcome.user
      case 'deleted_by_directory':
        throw new SsoRefusal(
          'deleted_by_directory',
          `no member matches and just-in-time creation is on, but the directory deleted member ${outcome.tombstone.userId} (same ${outcome.tombstone.matchedBy}) at ${outcome.tombstone.deletedAt}; deleted people are never re-created at sign-in (provision them again over SCIM)`,
          { nameId: verified.nameId, memberId: outcome.tombstone.userId },
        )
      case 'invalid':
        throw new SsoRefusal('not_provisioned', `no member matches, and just-in-time creation refused the assertion's values: ${outcome.detail}`, { nameId: verified.nameId })
      case 'no_organization':
        throw new SsoRefusal('not_provisioned', `the connection's organization ${connection.orgId} no longer exists`, { nameId: verified.nameId })
      case 'taken':
        continue
    }
  }
  throw new SsoRefusal('not_provisioned', `just-in-time creation kept conflicting with another member's userName "${verified.nameId}" that no identifier matches`, { nameId: verified.nameId })
}
