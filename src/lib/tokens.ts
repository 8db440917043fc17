import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** 256 random bits, base64url: the secret part of a bearer token. */
export const randomSecret = (): string => randomBytes(32).toString('base64url')

/** Hex SHA-256. Secrets are high-entropy, so a fast unsalted hash is enough to make a leaked table useless. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Compares two equal-length hex digests without leaking, through timing, where they first differ. */
export function constantTimeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right)
}

/**
 * Whether a presented secret matches a stored hash. Hashes and compares even when no record was found (`storedHash`
 * undefined), so that the time taken does not reveal which ids exist.
 */
export function secretMatches(presentedSecret: string, storedHash: string | undefined): boolean {
  return constantTimeEqualHex(sha256Hex(presentedSecret), storedHash ?? '0'.repeat(64)) && storedHash !== undefined
}

/** A fresh credential: a random id part (for the prefixed id and the presented text), a secret and its hash. */
export function newCredential(idPart: string): { idPart: string; secret: string; secretHash: string } {
  const secret = randomSecret()
  return { idPart, secret, secretHash: sha256Hex(secret) }
}

/**
 * Decides when to write a credential's last-used time: at most once per `intervalMs` per credential and process, so
 * that concurrent requests with one token do not all write, and reads stay reads.
 */
export class LastUsedThrottle {
  readonly #intervalMs: number
  readonly #lastWrites = new Map<string, number>()

  constructor(intervalMs = 60_000) {
    this.#intervalMs = intervalMs
  }

  /** True when `id`, last used at `lastUsedAt` (stored), should be written now; records the write. */
  shouldWrite(id: string, lastUsedAt: string | null, now: Date): boolean {
    const last = Math.max(lastUsedAt ? Date.parse(lastUsedAt) : 0, this.#lastWrites.get(id) ?? 0)
    if (now.getTime() - last < this.#intervalMs) return false
    this.#lastWrites.set(id, now.getTime())
    return true
  }
}
