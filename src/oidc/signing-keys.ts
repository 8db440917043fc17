import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose'
import type { Clock } from '../lib/clock.js'
import { randomBase32 } from '../lib/ids.js'
import type { OidcStore } from './store.js'
import type { SigningKeyRecord } from './types.js'

export const SIGNING_ALG = 'RS256'

/**
 * The provider's signing keys, generated at runtime (jose) and kept in the database as JWKs, so every instance signs
 * with the same key and publishes the same JWKS. `rotate()` makes a new key active; the one before stays published
 * (`previous`) so tokens it signed still verify, and the one before that is retired (no longer published).
 * The private JWK is stored in plain text in the database for now (README "Where keys live").
 */
export class SigningKeys {
  constructor(
    private readonly store: OidcStore,
    private readonly clock: Clock,
  ) {}

  /** A new RSA key as a record (not yet stored). */
  async generate(): Promise<SigningKeyRecord> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true })
    const kid = `k_${randomBase32(16)}`
    const meta = { kid, alg: SIGNING_ALG, use: 'sig' }
    return {
      kid,
      alg: SIGNING_ALG,
      privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), ...meta }),
      publicJwk: JSON.stringify({ ...(await exportJWK(publicKey)), ...meta }),
      status: 'active',
      createdAt: this.clock.now().toISOString(),
      retiredAt: null,
    }
  }

  /** Makes a new key active; returns its kid and the published kids. */
  async rotate(): Promise<{ kid: string; published: string[] }> {
    const key = await this.generate()
    await this.store.rotateSigningKeys(key, this.clock.now().toISOString())
    return { kid: key.kid, published: (await this.store.listPublishedSigningKeys()).map((k) => k.kid) }
  }

  /** The active key, created on first use (two instances racing both create one; the newest signs, both verify). */
  async active(): Promise<SigningKeyRecord> {
    const published = await this.store.listPublishedSigningKeys()
    const active = published.find((k) => k.status === 'active')
    if (active) return active
    await this.rotate()
    return (await this.store.listPublishedSigningKeys()).find((k) => k.status === 'active')!
  }

  /** The JWKS document: public keys of the active and previous keys. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.active()
    return { keys: (await this.store.listPublishedSigningKeys()).map((k) => JSON.parse(k.publicJwk) as JWK) }
  }

  /** Signs `payload` as a JWT with the active key (`typ` as given: JWT for ID tokens, logout+jwt for logout tokens). */
  async sign(payload: JWTPayload, typ: string): Promise<string> {
    const key = await this.active()
    const privateKey = await importJWK(JSON.parse(key.privateJwk) as JWK, SIGNING_ALG)
    return new SignJWT(payload).setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ }).sign(privateKey)
  }

  /** The payload of a JWT Roster signed with a published key, with this `typ`, issuer and audience; throws otherwise. */
  async verify(token: string, expected: { typ: string; issuer: string; audience: string }): Promise<JWTPayload> {
    const keys = createLocalJWKSet(await this.jwks())
    return (await jwtVerify(token, keys, { algorithms: [SIGNING_ALG], ...expected })).payload
  }
}
