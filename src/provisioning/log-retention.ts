import type { Clock } from '../lib/clock.js'
import type { ProvisioningLogStore } from './store.js'

export interface RetentionPolicy {
  /** Entries older than this many days are deleted. */
  days: number
  /** Each organization keeps at most this many newest entries. */
  maxRowsPerOrg: number
  /** Rows per DELETE statement: small, so that no statement holds the write lock for long. */
  batchSize: number
  /** How often the background run starts. */
  intervalMs: number
}

export interface RetentionEvents {
  deleted(rows: number): void
  failed(error: unknown): void
}

const DAY_MS = 86_400_000
/** Most DELETE statements per organization per run: a huge backlog is worked off over several runs. */
const MAX_BATCHES_PER_RUN = 1000

/**
 * Keeps the provisioning log within its retention: by age and by rows per organization, in small deleting batches
 * that yield to the event loop between statements, so requests are never stuck behind a long delete.
 * Several instances may run it at once (PostgreSQL): deletes are idempotent, so they only share the work.
 */
export class LogRetention {
  readonly #store: ProvisioningLogStore
  readonly #clock: Clock
  readonly #policy: RetentionPolicy
  readonly #events: Partial<RetentionEvents>
  #timer: NodeJS.Timeout | undefined
  #running: Promise<number> | undefined
  #stopping = false

  constructor(store: ProvisioningLogStore, clock: Clock, policy: RetentionPolicy, events: Partial<RetentionEvents> = {}) {
    this.#store = store
    this.#clock = clock
    this.#policy = policy
    this.#events = events
  }

  start(): void {
    if (this.#timer) return
    this.#stopping = false
    this.#timer = setInterval(() => void this.runOnce().catch(() => {}), this.#policy.intervalMs)
    this.#timer.unref()
  }

  /** Stops the loop; a run in progress ends after its current statement. */
  async stop(): Promise<void> {
    this.#stopping = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running?.catch(() => {})
  }

  /** One pass over every organization; returns the rows deleted. Concurrent calls share the run. */
  runOnce(): Promise<number> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #run(): Promise<number> {
    let total = 0
    try {
      const cutoff = new Date(this.#clock.now().getTime() - this.#policy.days * DAY_MS).toISOString()
      for (const orgId of await this.#store.logOrganizationIds()) {
        if (this.#stopping) break
        total += await this.#inBatches(() => this.#store.deleteLogEntriesBefore(orgId, cutoff, this.#policy.batchSize))
        const beyond = await this.#store.logPositionBeyond(orgId, this.#policy.maxRowsPerOrg)
        if (beyond) total += await this.#inBatches(() => this.#store.deleteLogEntriesThrough(orgId, beyond, this.#policy.batchSize))
      }
      // The directory's deletion tombstones last as long as the log keeps its delete entries by age (README).
      if (!this.#stopping) total += await this.#inBatches(() => this.#store.deleteUserTombstonesBefore(cutoff, this.#policy.batchSize))
    } catch (error) {
      this.#events.failed?.(error)
    }
    if (total > 0) this.#events.deleted?.(total)
    return total
  }

  async #inBatches(deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.#stopping; batch++) {
      const deleted = await deleteBatch()
      total += deleted
      if (deleted < this.#policy.batchSize) break
      await new Promise((resolve) => setImmediate(resolve))
    }
    return total
  }
}
