import pg from 'pg'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type { Database } from '../database.js'
import type { EngineDialect, TextMatchMode } from '../engine-dialect.js'
import { nameStatement, useNamedStatements } from './named-statements.js'
import { NotifySignal, notifyChannel } from './notify-signal.js'
import { deferUntilNextStatement, pipelineTransactions } from './pipelined-transactions.js'

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`)

const likePattern = (mode: TextMatchMode, value: string): string => {
  const literal = escapeLike(value)
  if (mode === 'sw') return `${literal}%`
  if (mode === 'ew') return `%${literal}`
  return `%${literal}%`
}

/** Token writes NOTIFY this channel (tokens-repo.ts); every instance LISTENs on it. */
const TOKEN_CHANNEL = 'roster_scim_tokens'
/** A cached token record is read again after a second even if no notification came: the bound, kept always. */
const TOKEN_CACHE_MAX_AGE_MS = 1_000
const tokenSignals = new WeakMap<Kysely<Database>, NotifySignal>()

/** PostgreSQL through a pg.Pool; LIKE is case-sensitive here, so it serves case-exact matching. */
export const postgresDialect: EngineDialect = {
  engine: 'postgres',
  supportsRowLocks: true,

  open(location, options) {
    // Bounded connect: an unreachable server fails ping() (and /healthz) instead of hanging it.
    const pipeline = options.pipeline !== false
    // `pipeline` (pg ≥ 8.23, not yet in @types/pg): statements are written as they are issued (pipelined-transactions.ts).
    const pool = new pg.Pool({ connectionString: location, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000, ...{ pipeline } })
    // An idle client losing its server emits 'error' on the pool; unhandled, that would end the
    // process. The next query reports the failure instead (and ping() fails for /healthz).
    pool.on('error', () => {})
    // The same for a client that is checked out (a transaction between two statements) when the server goes away:
    // without a listener its 'error' event would end the process. Its next query fails instead (503), and the pool
    // discards it on release because it is no longer queryable.
    pool.on('connect', (client) => {
      client.on('error', () => {})
      if (options.namedStatements !== false) useNamedStatements(client)
      if (pipeline) pipelineTransactions(client)
    })
    const signal = new NotifySignal(location, TOKEN_CHANNEL, TOKEN_CACHE_MAX_AGE_MS)
    // Kysely's destroy() ends the pool; the listening connection is not the pool's, so it ends with it.
    const endPool = pool.end.bind(pool)
    pool.end = (async () => {
      await signal.close()
      return endPool()
    }) as typeof pool.end
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    tokenSignals.set(db, signal)
    return db
  },

  hotStatement: nameStatement,
  lastInTransaction: deferUntilNextStatement,
  tokenChangeSignal: (db) => tokenSignals.get(db),
  announceTokenChange: (db) => notifyChannel(db, TOKEN_CHANNEL),

  matchText(column, mode, value) {
    return sql<boolean>`${column} like ${likePattern(mode, value)} escape '\\'`
  },
}
