import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * When the worker checkpoints next. Under a saturating stream of PATCHes the WAL grows ~40 MB a second, so at 1 s the
 * connection's automatic checkpoint (the WAL's bound, 10,000 pages) often came first and copied everything on the event
 * loop; every 100 ms the thread keeps the copy nearly current, and that checkpoint finds little left. Measured on this
 * project's machine (bench:profile, PATCH, 10,000 users): p99 50–52 ms at 1 s, 32–35 ms at 100 ms, same throughput.
 *
 * But a checkpoint that copies anything fsyncs the WAL and the database, however little it copies: under a light
 * stream of writes (the provisioning log's batches while Entra looks users up, ~1,000 frames a second) ten of them a
 * second cost the server ~1–2 µs of CPU per lookup (issue #6, the log's cost). So the thread checkpoints every 100 ms
 * while the WAL grows by more than `busyFramesPerSecond` frames, and every second once it has grown slower than that
 * for `quietTicks` checkpoints in a row: a second at that rate adds a quarter of the automatic bound at most. One fast
 * tick is enough to go back to 100 ms; one slow tick is not enough to leave it (a WAL rewound just before a tick holds
 * only the frames written since).
 */
export const CHECKPOINT_SCHEDULE = { busyIntervalMs: 100, idleIntervalMs: 1_000, busyFramesPerSecond: 2_500, quietTicks: 10 } as const
export type CheckpointSchedule = typeof CHECKPOINT_SCHEDULE

/**
 * What the worker remembers between checkpoints: the WAL's size in frames, whether that checkpoint copied all of them,
 * when, and how many slow ticks in a row.
 */
export interface CheckpointPace {
  frames: number
  caughtUp: boolean
  at: number
  quiet: number
}

/** `wal_checkpoint`'s answer: frames in the WAL (`log`), and how many of them are in the database (`checkpointed`). */
export interface CheckpointResult {
  log: number
  checkpointed: number
}

/**
 * The pace after a checkpoint that answered `wal` at `now` (ms), and the pause before the next one. A write that
 * begins after a checkpoint caught up rewinds the WAL, whose frames are then all new whether their count fell or not:
 * writes with pauses let every checkpoint catch up, and each tick then finds about as many frames as the last, not
 * none. A write that began before that checkpoint ended appends without a rewind and is overcounted, which only keeps
 * the busy pace. Runs in the worker (as source text): it uses nothing outside itself and defines no function (tsx's
 * keepNames would wrap one in a helper that the worker does not have).
 */
export function nextCheckpoint(pace: CheckpointPace, wal: CheckpointResult, now: number, schedule: CheckpointSchedule): { pace: CheckpointPace; delayMs: number } {
  const frames = wal.log
  const rewound = frames < pace.frames || (pace.caughtUp && frames !== pace.frames)
  const written = rewound ? frames : frames - pace.frames
  const busy = (written * 1000) / Math.max(now - pace.at, 1) > schedule.busyFramesPerSecond
  const quiet = busy ? 0 : pace.quiet + 1
  return {
    pace: { frames, caughtUp: wal.checkpointed === frames, at: now, quiet },
    delayMs: quiet >= schedule.quietTicks ? schedule.idleIntervalMs : schedule.busyIntervalMs,
  }
}

/**
 * The worker's code, plain CommonJS run with `eval`: it needs neither tsx nor the server's modules, so the thread
 * costs a few MB of memory, not the ~50 MB a worker loading the TypeScript loader and the app would.
 * PASSIVE never waits: it copies what no reader still needs and leaves the rest to the next tick. Errors (a busy
 * database, a disk error) are reported to the main thread, which logs them; the loop goes on, at the busy pace.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const database = new Database(workerData.file, { fileMustExist: true })
database.pragma('busy_timeout = 100')
// A failure that repeats (a disk that stays full) is reported when it first occurs, then at most once a minute.
let lastError = ''
let lastReportedAt = 0
const nextCheckpoint = ${nextCheckpoint.toString()}
let pace = { frames: 0, caughtUp: false, at: Date.now(), quiet: 0 }
let timer
function checkpoint() {
  try {
    const next = nextCheckpoint(pace, database.pragma('wal_checkpoint(PASSIVE)')[0], Date.now(), workerData.schedule)
    pace = next.pace
    lastError = ''
    return next.delayMs
  } catch (error) {
    const message = String(error && error.message || error)
    if (message !== lastError || Date.now() - lastReportedAt >= 60000) {
      lastError = message
      lastReportedAt = Date.now()
      parentPort.postMessage({ error: message })
    }
    return workerData.schedule.busyIntervalMs
  }
}
function loop() {
  timer = setTimeout(loop, checkpoint())
}
timer = setTimeout(loop, workerData.schedule.busyIntervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  clearTimeout(timer)
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
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { file, driver, schedule: CHECKPOINT_SCHEDULE } })
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
