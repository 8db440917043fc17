/** SQLite's busy/locked codes, PostgreSQL's "cannot connect / shutting down" SQLSTATEs (classes 08 and 57P) and its retryable transaction rollbacks. */
const UNAVAILABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // A deadlock or serialization failure: PostgreSQL rolled the transaction back and it can simply be retried. Roster
  // takes its locks in one order so that these should not happen (README, "Limits and guarantees"); should one
  // still occur, the client is told to retry (503, Retry-After) rather than shown a 500.
  '40P01',
  '40001',
])

/**
 * True when an error means the database cannot serve right now (down, restarting, locked by another writer, out of
 * connections), as opposed to a bug: the request should get 503 and be retried, not 500. Judged by the error's
 * `code` (better-sqlite3, pg, Node sockets) and pg-pool's connection messages, so no layer needs the drivers' types.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown }
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true
    if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)) {
      return true
    }
    current = cause
  }
  return false
}
