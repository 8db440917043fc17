import { sql, type Kysely } from 'kysely'
import type { Database } from '../database.js'

/** Most transactions one commit carries: bounds how long the first of them waits for its answer. */
export const MAX_GROUP = 16

interface Waiting<S> {
  work: (store: S) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * Group commit for SQLite (issue #11: the write path). SQLite runs one write transaction at a time, and on this
 * machine a commit cost a PATCH more than all of its statements together: each commit writes every page it dirtied to
 * the WAL, and concurrent writes dirty the same pages (the outbox's tail, its counters, the indexes' right edges).
 * So transactions that queue up while one group runs are run together as the next group: one BEGIN IMMEDIATE, each
 * transaction inside its own SAVEPOINT, one COMMIT.
 *
 * What each caller sees is what a transaction of its own would give: its work is undone alone when it throws
 * (ROLLBACK TO its savepoint; the others carry on), and its promise settles only after the COMMIT that made it
 * durable, or with that commit's error. A group of one runs without a savepoint. The works of a group run one after
 * another, as SQLite's single writer runs them anyway; works of later callers wait for the next group.
 */
export class GroupCommitter<S> {
  readonly #db: Kysely<Database>
  readonly #storeFor: (connection: Kysely<Database>) => S
  #queue: Waiting<S>[] = []
  #running = false
  #scheduled = false

  /** `storeFor` builds the transaction store the works of a group share, over the group's connection. */
  constructor(db: Kysely<Database>, storeFor: (connection: Kysely<Database>) => S) {
    this.#db = db
    this.#storeFor = storeFor
  }

  run<T>(work: (store: S) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      // better-sqlite3 is synchronous, so a group runs from BEGIN to COMMIT in one turn of the event loop and no request
      // could join it while it runs. Starting it after the current I/O phase instead lets every request whose
      // handler reaches its transaction in this phase join the same group.
      if (!this.#running && !this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => {
          this.#scheduled = false
          void this.#drain()
        })
      }
    })
  }

  async #drain(): Promise<void> {
    this.#running = true
    try {
      while (this.#queue.length > 0) await this.#runGroup(this.#queue.splice(0, MAX_GROUP))
    } finally {
      this.#running = false
    }
    // Work queued by a settling caller's continuation (a second transaction of the same request) gets its own group.
    if (this.#queue.length > 0 && !this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => {
        this.#scheduled = false
        void this.#drain()
      })
    }
  }

  async #runGroup(group: Waiting<S>[]): Promise<void> {
    const outcomes: Outcome[] = []
    try {
      await this.#db.connection().execute(async (connection) => {
        // 'begin' becomes BEGIN IMMEDIATE in the statement cache (statement-cache.ts), so busy_timeout applies.
        await sql`begin`.execute(connection)
        try {
          const store = this.#storeFor(connection)
          if (group.length === 1) {
            outcomes.push(await settle(() => group[0]!.work(store)))
            if (!outcomes[0]!.ok) {
              await sql`rollback`.execute(connection)
              return
            }
          } else {
            for (const waiting of group) outcomes.push(await runInSavepoint(connection, () => waiting.work(store)))
          }
          await sql`commit`.execute(connection)
        } catch (error) {
          // A statement of the group's own (begin, savepoint, commit) failed: nothing of the group is kept.
          await sql`rollback`.execute(connection).catch(() => {})
          throw error
        }
      })
    } catch (error) {
      for (const waiting of group) waiting.reject(error)
      return
    }
    group.forEach((waiting, index) => {
      const outcome = outcomes[index]!
      if (outcome.ok) waiting.resolve(outcome.value)
      else waiting.reject(outcome.error)
    })
  }
}

/** Runs `work` to its outcome; a work that throws before returning its promise is refused like one that rejects. */
async function settle(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await work() }
  } catch (error) {
    return { ok: false, error }
  }
}

/** One work of a group: kept by RELEASE, or undone alone by ROLLBACK TO (a failure of those fails the group). */
async function runInSavepoint(connection: Kysely<Database>, work: () => Promise<unknown>): Promise<Outcome> {
  await sql`savepoint roster_group_work`.execute(connection)
  const outcome = await settle(work)
  if (!outcome.ok) await sql`rollback to roster_group_work`.execute(connection)
  await sql`release roster_group_work`.execute(connection)
  return outcome
}
