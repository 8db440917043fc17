import { buildLogEntry, type RequestFacts } from './build-log-entry.js'
import type { RequestCollector } from './request-collector.js'
import type { ProvisioningLogStore } from './store.js'
import type { ProvisioningLogEntry } from './types.js'

/** A request whose entry is built when its batch is written (enqueueRequest). */
class PendingRequest {
  /**
   * Whether its row is a write's: its write reported a change. A failed request has a collector too (the SCIM hooks
   * keep its error there), with no change: its row is a lookup's. Read once, so that the writer's count of queued
   * writes cannot drift from the queue.
   */
  readonly write: boolean

  constructor(
    readonly facts: RequestFacts,
    readonly collected: RequestCollector | undefined,
  ) {
    this.write = collected !== undefined && collected.changes.length > 0
  }
}

/** What the writer reports, for metrics and the operator's log. Implementations must not throw. */
export interface LogWriterEvents {
  /** A request's entry was built (enqueueRequest): its operation is counted from its diff, as the log files it. */
  requestBuilt(entry: ProvisioningLogEntry): void
  /** A request's facts could not be made into an entry; it is dropped (and counted as such). */
  buildFailed(error: unknown): void
  batchWritten(entries: number): void
  dropped(entries: number, reason: 'queue_full' | 'write_failed'): void
  writeFailed(error: unknown): void
}

export interface LogWriterOptions {
  /** Most entries in one batch; of them, at most writeBatchSize(batchSize) writes. */
  batchSize: number
  /** A batch is written at least this often while entries wait. */
  flushIntervalMs: number
  /** Most entries waiting in memory; more are dropped (and counted) rather than grow without bound. */
  queueLimit: number
  events?: Partial<LogWriterEvents>
}

/**
 * Most writes' entries in one batch of `batchSize`: two fifths (200 of the default 500), at least one. A write's row
 * carries its diff and touches up to four indexes, several times a lookup's, and on SQLite a batch holds the event
 * loop while it is written: batches of writes stay the size they were when all batches were 200 (issue #6), while
 * lookups, whose rows are cheap, go 500 to a commit.
 */
export const writeBatchSize = (batchSize: number): number => Math.max(1, Math.floor((batchSize * 2) / 5))

/** A queued item whose row is a write's: a request whose write reported a change, or an entry with a change. */
const isWrite = (item: ProvisioningLogEntry | PendingRequest): boolean =>
  item instanceof PendingRequest ? item.write : item.operation !== null || item.changes.length > 0 || item.membership !== null

/**
 * Writes log entries off the request path: requests only push to an in-memory queue, and a small loop writes it in
 * multi-row batches every `flushIntervalMs`, or as soon as a batch is full. A crash loses what is queued: at most
 * one flush interval of entries (never more than `queueLimit`). `stop()` writes the rest, for clean shutdowns.
 */
export class LogWriter {
  readonly #store: ProvisioningLogStore
  readonly #options: LogWriterOptions
  #queue: (ProvisioningLogEntry | PendingRequest)[] = []
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> | undefined
  #started = false
  /** A full batch already asked for a flush on the next turn of the event loop. */
  #scheduled = false
  /** How many queued items are writes (isWrite). */
  #queuedWrites = 0
  /** writeBatchSize(batchSize), once: enqueue reads it on every request. */
  readonly #writesPerBatch: number

  constructor(store: ProvisioningLogStore, options: LogWriterOptions) {
    this.#store = store
    this.#options = options
    this.#writesPerBatch = writeBatchSize(options.batchSize)
  }

  /** Entries waiting to be written. */
  get pending(): number {
    return this.#queue.length
  }

  /**
   * Queues a request whose entry is built when its batch is written, off the response path: built there, in a loop
   * over the batch, an entry costs a fraction of what it cost built per request inside the server (issue #6: ~5 of
   * the ~150 µs of a lookup went to building its entry while answering), and a write's diff is made there too. The
   * collector is read then, so nothing may report to it any more. Same contract as enqueue.
   *
   * A collector holds a write's whole documents and member lists (a 10,000-member PUT: every id), where its entry
   * holds a bounded diff and at most 100 ids a direction. So while a batch is being written, which is when the queue
   * grows (a database that keeps the batch waiting lets it fill up to queueLimit), a request with a collector is
   * built at once: the queue then fills with bounded entries, and only what arrives between flushes waits unbuilt.
   * False when no entry will come of it (the queue is full, or it could not be built): the caller counts it itself.
   */
  enqueueRequest(facts: RequestFacts, collected: RequestCollector | undefined): boolean {
    if (collected === undefined || this.#flushing === undefined || this.#queue.length >= this.#options.queueLimit) {
      return this.enqueue(new PendingRequest(facts, collected))
    }
    const entry = this.#build(facts, collected)
    return entry !== undefined && this.enqueue(entry)
  }

  /** Queues an entry; false (and counted as dropped) when the queue is full. Never blocks, never throws. */
  enqueue(entry: ProvisioningLogEntry | PendingRequest): boolean {
    if (this.#queue.length >= this.#options.queueLimit) {
      this.#options.events?.dropped?.(1, 'queue_full')
      return false
    }
    this.#queue.push(entry)
    if (isWrite(entry)) this.#queuedWrites++
    const full = this.#queue.length >= this.#options.batchSize || this.#queuedWrites >= this.#writesPerBatch
    if (this.#started && full && !this.#flushing && !this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => {
        this.#scheduled = false
        void this.flush()
      })
    }
    return true
  }

  /** Starts the periodic flush (main.ts). Tests may instead call flush() themselves. */
  start(): void {
    if (this.#started) return
    this.#started = true
    this.#timer = setInterval(() => void this.flush(), this.#options.flushIntervalMs)
    this.#timer.unref()
  }

  /** Stops the loop and writes everything still queued. */
  async stop(): Promise<void> {
    this.#started = false
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.flush()
  }

  /** Writes what is queued now, batch by batch; concurrent calls share one run. Never throws. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing
    if (this.#queue.length === 0) return
    this.#flushing = this.#writeQueued().finally(() => {
      this.#flushing = undefined
    })
    await this.#flushing
  }

  async #writeQueued(): Promise<void> {
    // Bounded: only what was queued when the run began (new entries wait for the next run).
    let remaining = this.#queue.length
    for (let first = true; remaining > 0 && this.#queue.length > 0; first = false) {
      // Between batches the event loop serves requests: on SQLite a batch is written synchronously, and a run that
      // found a long queue (after the database kept the writer waiting) would otherwise hold it for all of them.
      if (!first) await new Promise<void>((resolve) => setImmediate(resolve))
      const taken = this.#queue.splice(0, this.#batchLength(remaining))
      remaining -= taken.length
      const batch = this.#entriesOf(taken)
      if (batch.length === 0) continue
      try {
        const written = await this.#store.insertLogEntries(batch)
        this.#options.events?.batchWritten?.(written)
        // Left out by the store: their organization was deleted after the request was answered.
        if (written < batch.length) this.#options.events?.dropped?.(batch.length - written, 'write_failed')
      } catch (error) {
        this.#options.events?.writeFailed?.(error)
        await this.#writeOneByOne(batch)
      }
    }
  }

  /** How many items from the front of the queue make the next batch: batchSize, or fewer when writes fill it first. */
  #batchLength(remaining: number): number {
    const limit = Math.min(this.#options.batchSize, remaining, this.#queue.length)
    let writes = 0
    let length = 0
    while (length < limit && writes < this.#writesPerBatch) {
      if (isWrite(this.#queue[length]!)) writes++
      length++
    }
    this.#queuedWrites -= writes
    return length
  }

  /** The queued items as entries, building those of pending requests; one that cannot be built is dropped, counted. */
  #entriesOf(items: (ProvisioningLogEntry | PendingRequest)[]): ProvisioningLogEntry[] {
    const entries: ProvisioningLogEntry[] = []
    for (const item of items) {
      const entry = item instanceof PendingRequest ? this.#build(item.facts, item.collected) : item
      if (entry !== undefined) entries.push(entry)
    }
    return entries
  }

  /** A request's entry, its operation reported; undefined (dropped and counted) when it cannot be built. */
  #build(facts: RequestFacts, collected: RequestCollector | undefined): ProvisioningLogEntry | undefined {
    let entry: ProvisioningLogEntry
    try {
      entry = buildLogEntry(facts, collected)
    } catch (error) {
      this.#options.events?.buildFailed?.(error)
      this.#options.events?.dropped?.(1, 'write_failed')
      return undefined
    }
    this.#options.events?.requestBuilt?.(entry)
    return entry
  }

  /**
   * After a refused batch: one entry may be at fault (its organization was deleted meanwhile), so each is tried once
   * on its own. When the first two fail too, the database itself is refusing: the rest is dropped and counted rather
   * than retried, so the queue never grows behind a broken database.
   */
  async #writeOneByOne(batch: ProvisioningLogEntry[]): Promise<void> {
    if (batch.length === 1) {
      this.#options.events?.dropped?.(1, 'write_failed')
      return
    }
    let written = 0
    let failed = 0
    for (const [index, entry] of batch.entries()) {
      try {
        const stored = await this.#store.insertLogEntries([entry])
        written += stored
        if (stored === 0) this.#options.events?.dropped?.(1, 'write_failed')
      } catch {
        failed++
        // Two refusals before any success: the database, not an entry, is the problem.
        if (written === 0 && failed >= 2) {
          this.#options.events?.dropped?.(batch.length - index, 'write_failed')
          break
        }
        this.#options.events?.dropped?.(1, 'write_failed')
      }
    }
    if (written > 0) this.#options.events?.batchWritten?.(written)
  }
}
