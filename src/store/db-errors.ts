import { ScimError } from '../scim/errors.js'
import { textKey } from './text-key.js'

/**
 * The constraint a unique violation names (PostgreSQL 23505's `constraint`, or SQLite's message
 * "UNIQUE constraint failed: users.org_id, users.user_name_key"); undefined for other errors.
 */
export function uniqueViolationTarget(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown }
  if (code === '23505') return `${String(constraint ?? '')} ${String(message ?? '')}`
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return String(message ?? '')
  return undefined
}

/**
 * Runs a write and turns a unique violation into `ScimError` 409 uniqueness (RFC 7644 §3.3), with
 * the detail `describe` gives for the violated constraint; the database stays the final arbiter.
 */
export async function withUniqueness<T>(write: () => Promise<T>, describe: (target: string) => string): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const target = uniqueViolationTarget(error)
    if (target === undefined) throw error
    throw ScimError.of('uniqueness', describe(target), { cause: error })
  }
}

/**
 * PostgreSQL's btree rejects index entries over ~2,700 bytes; a longer userName would fail the
 * INSERT with a raw error. Both engines reject such values the same way, before they reach SQL.
 */
export const MAX_INDEXED_BYTES = 2000

/**
 * Rejects a value that cannot be stored in an indexed column (too long, or containing NUL, which PostgreSQL text
 * refuses). With `keyed`, the column's comparison key (textKey) is checked too: folding can make a key longer than
 * its value (a 2,000-byte userName of "İ" has a 3,000-byte key), and it is the key that PostgreSQL indexes, so the
 * engines would otherwise disagree (SQLite took the row, PostgreSQL answered 500).
 */
export function assertIndexable(attribute: string, value: string | null, keyed = false): void {
  if (value === null) return
  if (Buffer.byteLength(value, 'utf8') > MAX_INDEXED_BYTES) {
    throw ScimError.invalidValue(`${attribute} is longer than ${MAX_INDEXED_BYTES} bytes; shorten it`)
  }
  if (keyed && Buffer.byteLength(textKey(value), 'utf8') > MAX_INDEXED_BYTES) {
    throw ScimError.invalidValue(
      `${attribute} is longer than ${MAX_INDEXED_BYTES} bytes once normalized for case-insensitive comparison (Unicode NFC and case folding); shorten it`,
    )
  }
  assertStorable(attribute, value)
}

/** Rejects NUL in a stored but unindexed text value (PostgreSQL text cannot hold it). */
export function assertStorable(attribute: string, value: string | null): void {
  if (value !== null && value.includes('\u0000')) {
    throw ScimError.invalidValue(`${attribute} contains a NUL character (\\u0000), which cannot be stored`)
  }
}

/** True for text PostgreSQL can take as a parameter: NUL makes it fail, so lookups treat such ids as absent. */
export const isStorableText = (value: string): boolean => !value.includes('\u0000')
