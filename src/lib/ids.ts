import { randomBytes } from 'node:crypto'

/** Crockford base32: no I, L, O or U, so ids read aloud and copy cleanly. */
export const BASE32_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const ALPHABET = BASE32_ALPHABET

/**
 * Random bytes are drawn from the kernel 4 KiB at a time and handed out from that pool, as Node's randomUUID does:
 * every SCIM write makes ids (its event's, its log entry's), and a getrandom call per id was ~3 % of a PATCH's CPU.
 * Each byte is used once. Secrets do not come from here (lib/tokens.ts draws them directly).
 */
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let used = 0
const ALPHABET_CODES = Buffer.from(ALPHABET, 'latin1')
const scratch = Buffer.alloc(POOL_BYTES)

/** Random base32 text of `length` characters (5 bits each). */
export function randomBase32(length: number): string {
  if (length > POOL_BYTES) throw new RangeError(`randomBase32 makes at most ${POOL_BYTES} characters`)
  if (used + length > pool.length) {
    pool = randomBytes(POOL_BYTES)
    used = 0
  }
  // One latin1 decode of a reused buffer instead of a string concatenation per character (~1 µs per log id before).
  for (let i = 0; i < length; i++) scratch[i] = ALPHABET_CODES[pool[used++]! & 31]!
  return scratch.toString('latin1', 0, length)
}

/** Prefixed ids make the kind of a thing visible in logs: `org_…`, `usr_…`, `grp_…`, `tok_…`. */
export type IdPrefix = 'org' | 'usr' | 'grp' | 'tok' | 'key' | 'evt' | 'whk' | 'whd'

/** Milliseconds since 1970 in 10 base32 characters (50 bits: enough until the year 37,000), most significant first. */
function timeBase32(ms: number): string {
  let out = ''
  for (let shift = 45; shift >= 0; shift -= 5) out += ALPHABET[Math.floor(ms / 2 ** shift) % 32]
  return out
}

/**
 * A new id with its kind's prefix: 24 base32 characters, the creation time in milliseconds (10) then 70 random bits
 * (14), like a ULID. Time first, because every id is a key of a unique index: ids made one after another land on the
 * same index page, which a transaction (and a group commit of several, sqlite/group-commit.ts) writes once, where
 * random ids dirtied a page of their own each (issue #11: POST's commit). The time part is no secret: `meta.created`
 * says as much. Nothing relies on an id being unguessable; every read checks the caller's organization.
 */
export const newId = (prefix: IdPrefix, now = Date.now()): string => `${prefix}_${timeBase32(now)}${randomBase32(14)}`
