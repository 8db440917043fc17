import pg from 'pg'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../database.js'
import type { ChangeSignal } from '../engine-dialect.js'

/** NOTIFY `channel` from `db`: at once, or at commit when `db` is a transaction. */
export async function notifyChannel(db: Kysely<Database>, channel: string): Promise<void> {
  await sql`select pg_notify(${channel}, '')`.execute(db)
}

/** After a failed or lost listening connection, the next attempt waits this long (no reconnect storm during an outage). */
const RETRY_AFTER_MS = 5_000

/**
 * A ChangeSignal over PostgreSQL LISTEN/NOTIFY: one connection of its own listens on `channel`, and every notification
 * moves the version. Writers NOTIFY in their transaction (`notifyChannel`); PostgreSQL delivers the notification when
 * it commits, so another instance stops believing its cache within milliseconds of the change.
 *
 * The connection is opened on the first `version()` call (a short-lived CLI process never opens one). While it is not
 * listening, there is no signal (`version()` is undefined) and callers read the rows; losing it moves the version, so
 * nothing cached before the loss is believed after it. `maxAgeMs` bounds an entry's life in any case.
 */
export class NotifySignal implements ChangeSignal {
  readonly maxAgeMs: number
  readonly #connectionString: string
  readonly #channel: string
  #client: pg.Client | undefined
  #listening = false
  #generation = 0
  #starting: Promise<void> | undefined
  #retryAt = 0
  #closed = false

  constructor(connectionString: string, channel: string, maxAgeMs: number) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`)
    this.#connectionString = connectionString
    this.#channel = channel
    this.maxAgeMs = maxAgeMs
  }

  version(): unknown {
    if (this.#listening) return this.#generation
    if (!this.#closed && this.#starting === undefined && Date.now() >= this.#retryAt) this.#start()
    return undefined
  }

  /** Stops listening (the store's close). */
  async close(): Promise<void> {
    this.#closed = true
    this.#listening = false
    await this.#starting?.catch(() => {})
    await this.#client?.end().catch(() => {})
    this.#client = undefined
  }

  #start(): void {
    const client = new pg.Client({ connectionString: this.#connectionString, connectionTimeoutMillis: 10_000 })
    client.on('notification', () => {
      this.#generation++
    })
    client.on('error', () => this.#lose(client))
    client.on('end', () => this.#lose(client))
    this.#starting = (async () => {
      await client.connect()
      await client.query(`LISTEN ${this.#channel}`)
      if (this.#closed) {
        await client.end()
        return
      }
      this.#client = client
      // Whatever was cached before this connection listened may have missed a notification.
      this.#generation++
      this.#listening = true
    })()
      .catch(() => this.#lose(client))
      .finally(() => {
        this.#starting = undefined
      })
  }

  #lose(client: pg.Client): void {
    if (this.#client !== undefined && this.#client !== client) return
    this.#listening = false
    this.#generation++
    this.#client = undefined
    this.#retryAt = Date.now() + RETRY_AFTER_MS
    client.end().catch(() => {})
  }
}
