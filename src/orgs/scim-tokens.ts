import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { randomBase32 } from '../lib/ids.js'
import { LastUsedThrottle, newCredential, secretMatches } from '../lib/tokens.js'
import type { OrgStore } from './store.js'
import type { ScimTokenRecord } from './types.js'

/**
 * Tokens look like `scimtok_<id>.<secret>`: the prefix lets secret scanners find leaked tokens, the id finds the
 * stored record without a scan, and only SHA-256(secret) is stored (the Lucia model).
 */
export const SCIM_TOKEN_PREFIX = 'scimtok_'
const TOKEN_PATTERN = /^scimtok_([0-9a-z]{24})\.([A-Za-z0-9_-]{43})$/

/** Where a new token comes from, for 401 details: the console (seed document) or, for operators, the CLI. */
const WHERE_TOKENS_COME_FROM =
  'an organization admin creates one under Organization settings → Secrets → SCIM token (operators: npm run cli -- scim-token create --org <organization id>)'

/** Two active tokens let an admin rotate without downtime: create the new one, switch Entra, revoke the old. */
export const MAX_ACTIVE_TOKENS = 2

/** Last-used times are written at most this often per token, so that SCIM reads stay reads. */

export interface IssuedScimToken {
  record: ScimTokenRecord
  /** The whole bearer token. Shown once; Roster keeps only its hash. */
  token: string
}

/** What a token is shown as in lists: never the secret or its hash. */
export interface ScimTokenSummary {
  id: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  active: boolean
}

export type TokenVerification =
  | { ok: true; orgId: string; tokenId: string }
  /**
   * `reason` is safe to show to the caller: it never echoes the token. A revoked token whose secret matched names
   * its organization and id, so that the organization's provisioning log can show the refused request.
   */
  | { ok: false; reason: string; orgId?: string; tokenId?: string }

export class ScimTokens {
  readonly #store: OrgStore
  readonly #clock: Clock
  readonly #lastUsed = new LastUsedThrottle()

  constructor(store: OrgStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  /** Issues a new token for an existing organization; refused when it already holds two active tokens. */
  /** The count and the insert run in one transaction with the organization's row locked, so racing issues cannot pass the limit. */
  async issue(orgId: string): Promise<IssuedScimToken> {
    return this.#store.transaction(async (tx) => {
      if (!(await tx.findOrganization(orgId, { forUpdate: true }))) {
        throw new DomainError('not_found', `No organization has the id "${orgId}".`)
      }
      const active = (await tx.listScimTokens(orgId)).filter((t) => !t.revokedAt)
      if (active.length >= MAX_ACTIVE_TOKENS) {
        throw new DomainError(
          'conflict',
          `The organization already has ${MAX_ACTIVE_TOKENS} active SCIM tokens; revoke one (the one Entra no longer uses) before creating another.`,
        )
      }
      return this.#insertToken(tx, orgId)
    })
  }

  async #insertToken(store: OrgStore, orgId: string): Promise<IssuedScimToken> {
    const { idPart, secret, secretHash } = newCredential(randomBase32(24))
    const record: ScimTokenRecord = {
      id: `tok_${idPart}`,
      orgId,
      secretHash,
      createdAt: this.#clock.now().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    }
    await store.insertScimToken(record)
    return { record, token: `${SCIM_TOKEN_PREFIX}${idPart}.${secret}` }
  }

  async list(orgId: string): Promise<ScimTokenSummary[]> {
    const tokens = await this.#store.listScimTokens(orgId)
    return tokens.map((t) => ({
      id: t.id,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
      revokedAt: t.revokedAt,
      active: !t.revokedAt,
    }))
  }

  async revoke(orgId: string, tokenId: string): Promise<void> {
    const revoked = await this.#store.revokeScimToken(orgId, tokenId, this.#clock.now().toISOString())
    if (!revoked) {
      throw new DomainError('not_found', `The organization has no active SCIM token with the id "${tokenId}".`)
    }
  }

  /**
   * Checks a bearer token and names its organization. Reasons are written for the IT admin reading Entra's
   * provisioning log, since Entra reports most failures as "invalid credentials".
   */
  async verify(bearer: string): Promise<TokenVerification> {
    const match = TOKEN_PATTERN.exec(bearer)
    if (!match) {
      if (bearer.startsWith('eyJ')) {
        return {
          ok: false,
          reason:
            `The bearer token is a JWT, which Entra sends when the Secret Token field is empty. Paste a Roster SCIM token into Secret Token; ${WHERE_TOKENS_COME_FROM}.`,
        }
      }
      if (bearer.startsWith(SCIM_TOKEN_PREFIX)) {
        return {
          ok: false,
          reason: `The bearer token starts like a Roster SCIM token but is incomplete or altered. Paste the whole token, exactly as shown when it was created, into Entra's Secret Token field; if it is lost, ${WHERE_TOKENS_COME_FROM}.`,
        }
      }
      return {
        ok: false,
        reason: `The bearer token is not a Roster SCIM token (they start with "${SCIM_TOKEN_PREFIX}"). Paste the whole SCIM token into Entra's Secret Token field; ${WHERE_TOKENS_COME_FROM}.`,
      }
    }
    const record = await this.#store.findScimToken(`tok_${match[1]}`)
    // Hashed and compared even when the id is unknown, so that timing does not reveal which ids exist.
    const valid = secretMatches(match[2]!, record?.secretHash)
    if (!record || !valid) {
      return { ok: false, reason: `The SCIM token is not known: it may have been mistyped or deleted. To get a new one, ${WHERE_TOKENS_COME_FROM}.` }
    }
    if (record.revokedAt) {
      return {
        ok: false,
        reason: `The SCIM token was revoked at ${record.revokedAt}. Paste a current token into Entra; to get a new one, ${WHERE_TOKENS_COME_FROM}.`,
        orgId: record.orgId,
        tokenId: record.id,
      }
    }
    this.#recordUse(record)
    return { ok: true, orgId: record.orgId, tokenId: record.id }
  }

  /** Writes last-used at most once a minute per token; a failure here must never fail the request. */
  #recordUse(record: ScimTokenRecord): void {
    const now = this.#clock.now()
    if (!this.#lastUsed.shouldWrite(record.id, record.lastUsedAt, now)) return
    this.#store.touchScimToken(record.id, now.toISOString()).catch(() => {})
  }
}
