import { randomBytes } from 'node:crypto'

/** Crockford base32: no I, L, O or U, so ids read aloud and copy cleanly. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** Random base32 text of `length` characters (5 bits each). */
export function randomBase32(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 31]
  return out
}

/** Prefixed ids make the kind of a thing visible in logs: `org_…`, `usr_…`, `grp_…`, `tok_…`. */
export type IdPrefix = 'org' | 'usr' | 'grp' | 'tok' | 'key' | 'evt' | 'whk' | 'whd'

/** A new 120-bit random id with its kind's prefix. */
export const newId = (prefix: IdPrefix): string => `${prefix}_${randomBase32(24)}`
