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
