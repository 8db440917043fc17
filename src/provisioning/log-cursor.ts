import { DomainError } from '../lib/domain-error.js'
import type { LogPosition } from './store.js'

/** Opaque to clients: base64url of the last entry's place in the order. */
export const encodeLogCursor = (position: LogPosition): string =>
  Buffer.from(JSON.stringify([position.time, position.seq])).toString('base64url')

export function decodeLogCursor(cursor: string): LogPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && /^\d{1,19}$/.test(String(value[1])) && !Number.isNaN(Date.parse(value[0]))) {
      return { time: value[0], seq: String(value[1]) }
    }
  } catch {
    // fall through: any malformed cursor gets the same answer
  }
  throw new DomainError('invalid', 'The cursor is not one this log returned; pass the "next" value of the previous page unchanged.')
}
