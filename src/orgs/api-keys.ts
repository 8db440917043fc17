import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { randomBase32 } from '../lib/ids.js'
import { LastUsedThrottle, newCredential, secretMatches } from '../lib/tokens.js'
import type { OrgStore } from './store.js'
import type { ApiKeyRecord } from './types.js'

/**
 * API keys of the host product look like `rostk_<id>.<secret>`, built like SCIM tokens: a prefix secret scanners can
 * match, an id that finds the record without a scan, and only SHA-256(secret) stored. A platform key (no
 * organization) acts on every organization; an organization key on its own only.
 */
export const API_KEY_PREFIX = 'rostk_'
const KEY_PATTERN = /^rostk_([0-9a-z]{24})\.([A-Za-z0-9_-]{43})$/

/** Last-used times are written at most this often per key, so that API reads stay reads. */

export type ApiKeyScope = { kind: 'platform' } | { kind: 'organization'; orgId: string }

export interface IssuedApiKey {
  record: ApiKeyRecord
  /** The whole key. Shown once; Roster keeps only its hash. */
  key: string
}

/** What a key is shown as in lists: never the secret or its hash. */
export interface ApiKeySummary {
  id: string
  /** null for a platform key. */
  organization: string | null
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  active: boolean
}

export type ApiKeyVerification =
  | { ok: true; keyId: string; scope: ApiKeyScope }
  /** `reason` is safe to show to the caller: it never echoes the key. */
  | { ok: false; reason: string }

const WHERE_KEYS_COME_FROM = 'an operator creates one with: npm run cli -- api-key create --platform (or --org <organization id>)'

export class ApiKeys {
  readonly #store: OrgStore
  readonly #clock: Clock
  readonly #lastUsed = new LastUsedThrottle()

  constructor(store: OrgStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  /** A platform key (`orgId` null) or a key of an existing organization. */
  async create(orgId: string | null): Promise<IssuedApiKey> {
    if (orgId !== null && !(await this.#store.findOrganization(orgId))) {
      throw new DomainError('not_found', `No organization has the id "${orgId}".`)
    }
    const { idPart, secret, secretHash } = newCredential(randomBase32(24))
    const record: ApiKeyRecord = {
      id: `key_${idPart}`,
      orgId,
      secretHash,
      createdAt: this.#clock.now().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    }
    await this.#store.insertApiKey(record)
    return { record, key: `${API_KEY_PREFIX}${idPart}.${secret}` }
  }

  /** `orgId` undefined: every key; null: platform keys only; a string: that organization's keys. */
  async list(orgId?: string | null): Promise<ApiKeySummary[]> {
    return (await this.#store.listApiKeys(orgId)).map((k) => ({
      id: k.id,
      organization: k.orgId,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
      active: !k.revokedAt,
    }))
  }

  /** Revokes at once: the next request with the key gets 401 (keys are looked up on every request, never cached). */
  async revoke(keyId: string, orgId?: string): Promise<void> {
    if (!(await this.#store.revokeApiKey(keyId, this.#clock.now().toISOString(), orgId))) {
      const scope = orgId === undefined ? '' : ` of organization "${orgId}"`
      throw new DomainError('not_found', `There is no active API key${scope} with the id "${keyId}".`)
    }
  }

  async verify(presented: string): Promise<ApiKeyVerification> {
    const match = KEY_PATTERN.exec(presented)
    if (!match) {
      const reason = presented.startsWith(API_KEY_PREFIX)
        ? 'The API key starts like a Roster key but is incomplete or altered; send the whole key exactly as it was shown when created.'
        : `The bearer credential is not a Roster API key (they start with "${API_KEY_PREFIX}"); ${WHERE_KEYS_COME_FROM}.`
      return { ok: false, reason }
    }
    const record = await this.#store.findApiKey(`key_${match[1]}`)
    // Hash and compare even when the id is unknown, so that timing does not reveal which ids exist.
    const valid = secretMatches(match[2]!, record?.secretHash)
    if (!record || !valid) return { ok: false, reason: `The API key is not known: it may have been mistyped or deleted; ${WHERE_KEYS_COME_FROM}.` }
    if (record.revokedAt) return { ok: false, reason: `The API key was revoked at ${record.revokedAt}; use a current key.` }
    this.#recordUse(record)
    const scope: ApiKeyScope = record.orgId === null ? { kind: 'platform' } : { kind: 'organization', orgId: record.orgId }
    return { ok: true, keyId: record.id, scope }
  }

  /** Writes last-used at most once a minute per key; a failure here must never fail the request. */
  #recordUse(record: ApiKeyRecord): void {
    const now = this.#clock.now()
    if (!this.#lastUsed.shouldWrite(record.id, record.lastUsedAt, now)) return
    this.#store.touchApiKey(record.id, now.toISOString()).catch(() => {})
  }
}
