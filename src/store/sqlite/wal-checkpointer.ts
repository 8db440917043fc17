import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * How often the worker checkpoints. Under a saturating stream of PATCHes the WAL grows ~40 MB a second, so at 1 s the
 * connection's automatic checkpoint (the WAL's bound, 10,000 pages) often came first and copied everything on the event
 * loop; every 100 ms the thread keeps the copy nearly current, and that checkpoint finds little left. Measured on this
 * project's machine (bench:profile, PATCH, 10,000 users): p99 50–52 ms at 1 s, 32–35 ms at 100 ms, same throughput.
 * An idle tick only reads the WAL's index.
 */
const CHECKPOINT_INTERVAL_MS = 100

/**
 * The worker's code, plain CommonJS run with `eval`: it needs neither tsx nor the server's modules, so the thread
 * costs a few MB of memory, not the ~50 MB a worker loading the TypeScript loader and the app would.
 * PASSIVE never waits: it copies what no reader still needs and leaves the rest to the next tick. Errors (a busy
 * database, a disk error) are reported to the main thread, which logs them; the loop goes on.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const database = new Database(workerData.file, { fileMustExist: true })
database.pragma('busy_timeout = 100')
// A failure that repeats (a disk that stays full) is reported when it first occurs, then at most once a minute.
let lastError = ''
let lastReportedAt = 0
const timer = setInterval(() => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)')
    lastError = ''
  } catch (error) {
    const message = String(error && error.message || error)
    if (message === lastError && Date.now() - lastReportedAt < 60000) return
    lastError = message
    lastReportedAt = Date.now()
    parentPort.postMessage({ error: message })
  }
}, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  try { database.pragma('wal_checkpoint(PASSIVE)') } catch {}
  database.close()
  parentPort.close()
})
`

export interface WalCheckpointer {
  /** Stops the thread after one last checkpoint; resolves when it has exited. */
  stop(): Promise<void>
}

/**
 * Checkpoints the WAL of the SQLite file at `file` from a thread of its own (issue #11). With SQLite's automatic
 * checkpoints, the commit that crosses `wal_autocheckpoint` copies the WAL into the database and fsyncs it on the
 * event loop: every request in flight waited (PATCH p99 ~60–80 ms at 10,000 pages, throughput −17 % at 1,000).
 * The thread does that copying instead; the caller's automatic checkpoint stays on as the WAL's bound (see
 * sqlite/dialect.ts), and then finds little left to copy. `onFailure` hears why the thread stopped or a checkpoint failed.
 */
export function startWalCheckpointer(file: string, onFailure: (reason: string, threadGone: boolean) => void): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  // execArgv []: a server run through tsx must not load tsx's loader into this thread too.
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } })
  worker.unref()
  let stopping = false
  // A thread that fails (cannot open the file, say) emits 'error' and then 'exit': the operator hears it once.
  let failed = false
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onFailure(message.error, false)
  })
  worker.on('error', (error) => {
    failed = true
    onFailure(error.message, true)
  })
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!stopping && !failed) onFailure(`the checkpoint thread exited (code ${code})`, true)
      resolve()
    })
  })
  return {
    async stop() {
      if (stopping) return exited
      stopping = true
      worker.postMessage('stop')
      // Bounded: a thread stuck in a checkpoint is terminated rather than holding up shutdown.
      const timeout = setTimeout(() => void worker.terminate(), 5_000)
      timeout.unref()
      await exited
      clearTimeout(timeout)
    },
  }
}
