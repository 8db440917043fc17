import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import { sqliteDialect } from '../../src/store/sqlite/dialect.js'
import { CHECKPOINT_SCHEDULE, nextCheckpoint, startWalCheckpointer, type CheckpointPace } from '../../src/store/sqlite/wal-checkpointer.js'

// Issue #11: the server checkpoints SQLite's WAL from a thread, so that no commit on the event loop copies the WAL
// into the database and waits for its fsync (PATCH p99 was ~60 ms from exactly that).
describe('sqlite: the WAL checkpoint thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-checkpoint-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('the thread copies the WAL into the database before the automatic checkpoint would', async () => {
    const file = join(dir, 'server.db')
    const failures: string[] = []
    const db = sqliteDialect.open(file, { checkpointThread: { onFailure: (reason) => failures.push(reason) } })
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
      assert.equal(rows[0]?.wal_autocheckpoint, 10_000, 'the automatic checkpoint stays on as the bound')
      await sql`create table filler (id integer primary key, body text not null)`.execute(db)
      await sleep(1_500)
      // ~2 MB that only the WAL holds until a checkpoint copies it into the database file.
      const before = statSync(file).size
      for (let i = 0; i < 200; i++) await sql`insert into filler (body) values (${'x'.repeat(10_000)})`.execute(db)
      const deadline = Date.now() + 10_000
      while (statSync(file).size - before < 1_000_000 && Date.now() < deadline) await sleep(100)
      assert.ok(statSync(file).size - before >= 1_000_000, `the database file grew by ${statSync(file).size - before} bytes: the thread did not checkpoint`)
      assert.deepEqual(failures, [])
    } finally {
      await db.destroy()
    }
  })

  // A PASSIVE checkpoint copies the WAL up to the last commit it saw; only a write that starts after a checkpoint caught
  // up with every commit rewinds the WAL. While commits keep coming, one always lands as the thread copies, so the
  // thread alone never let the WAL rewind: it grew by every page written (the compiled server under PATCH load: 870 MB
  // in 15 s).
  test('while commits keep coming, the WAL stays within the automatic checkpoint bound (~41 MB)', async () => {
    const file = join(dir, 'busy.db')
    const failures: string[] = []
    const db = sqliteDialect.open(file, { checkpointThread: { onFailure: (reason) => failures.push(reason) } })
    try {
      await sql`create table filler (id integer primary key, body text not null)`.execute(db)
      // About two 4 KiB pages per commit: 8,000 commits write ~66 MB of WAL frames, past the 10,000-page bound, over
      // ~2 s (a pause every 4 commits), so that the thread checkpoints meanwhile.
      const body = 'x'.repeat(2_000)
      let largest = 0
      for (let i = 1; i <= 8_000; i++) {
        await sql`insert into filler (body) values (${body})`.execute(db)
        if (i % 4 === 0) await sleep(1)
        if (i % 100 === 0) largest = Math.max(largest, statSync(`${file}-wal`).size)
      }
      assert.ok(largest < 50_000_000, `the WAL reached ${largest} bytes`)
      assert.deepEqual(failures, [])
    } finally {
      await db.destroy()
    }
  })

  // Issue #6: every checkpoint that copies anything fsyncs twice, so a light stream of writes (the provisioning log's
  // batches under lookups, ~1,000 frames a second) is checkpointed once a second, a heavy one (PATCHes, ~10,000) every
  // 100 ms; a second of slow ticks in a row before slowing down, one fast tick to speed up again.
  test('the thread checkpoints every 100 ms while the WAL grows fast, and every second once it has grown slowly for a second', () => {
    const { busyIntervalMs, idleIntervalMs, quietTicks } = CHECKPOINT_SCHEDULE
    // Drives the pace through ticks of `[frames in the WAL, ms since the last tick, frames checkpointed]` (by default
    // the checkpoint did not catch up, so the WAL did not rewind); returns each tick's delay.
    const drive = (ticks: [number, number, number?][], start: CheckpointPace = { frames: 0, caughtUp: false, at: 0, quiet: 0 }) => {
      let pace = start
      return ticks.map(([log, elapsed, checkpointed = Math.min(log, 0)]) => {
        const next = nextCheckpoint(pace, { log, checkpointed }, pace.at + elapsed, CHECKPOINT_SCHEDULE)
        pace = next.pace
        return next.delayMs
      })
    }
    const light = Array.from({ length: quietTicks }, (_, i): [number, number] => [(i + 1) * 100, 100]) // 1,000 frames a second
    const lightDelays = drive(light)
    assert.deepEqual(lightDelays.slice(0, -1), Array(quietTicks - 1).fill(busyIntervalMs), 'a slow tick alone does not slow the pace')
    assert.equal(lightDelays.at(-1), idleIntervalMs, `${quietTicks} slow ticks in a row do`)
    const idle: CheckpointPace = { frames: 1_000, caughtUp: false, at: 0, quiet: quietTicks }
    assert.deepEqual(drive([[1_000, 1_000]], idle), [idleIntervalMs], 'nothing written: stays idle')
    assert.deepEqual(drive([[4_000, 1_000]], idle), [busyIntervalMs], '3,000 frames a second: back to 100 ms at once')
    // The WAL rewound between two checkpoints (9,000 frames, then 3,000): its 3,000 frames are all new.
    assert.deepEqual(drive([[3_000, 1_000]], { frames: 9_000, caughtUp: false, at: 0, quiet: quietTicks }), [busyIntervalMs], 'a rewound WAL counts whole')
    assert.deepEqual(drive([[300, 1_000]], { frames: 9_000, caughtUp: false, at: 0, quiet: quietTicks }), [idleIntervalMs])
    // Under PATCHes a tick just after the WAL rewound sees few frames: the pace stays at 100 ms.
    assert.deepEqual(drive([[1_000, 100], [50, 100], [1_050, 100]]), [busyIntervalMs, busyIntervalMs, busyIntervalMs])
    assert.deepEqual(drive([[-1, 100]], { frames: -1, caughtUp: true, at: 0, quiet: quietTicks }), [idleIntervalMs], 'no WAL (wal_checkpoint answers -1)')
    // The last checkpoint caught up: a write since rewound the WAL, so its frames are all new even when there are more.
    const caughtUp: CheckpointPace = { frames: 1_000, caughtUp: true, at: 0, quiet: quietTicks }
    assert.deepEqual(drive([[1_050, 100, 1_050]], caughtUp), [busyIntervalMs], 'rewound and grew past the last count')
    assert.deepEqual(drive([[1_000, 1_000, 1_000]], caughtUp), [idleIntervalMs], 'caught up, nothing written since: stays idle')
  })

  // Review of issue #6: a stream of writes with pauses lets every checkpoint catch up, so each write after one rewinds
  // the WAL, and each tick finds only the frames written since the last. Steady or rising, those counts are the same
  // or a little larger each time: taken as the difference of two counts, 4,000 frames a second looked like almost
  // none, and the thread slowed to once a second (where the WAL then grows to 4,000 frames between checkpoints, and
  // the commits' automatic checkpoint on the event loop comes first once the stream passes 10,000 a second).
  test('a WAL that rewinds before every tick is counted whole: 4,000 frames a second keep the 100 ms pace', () => {
    const { busyIntervalMs, quietTicks } = CHECKPOINT_SCHEDULE
    const file = join(dir, 'rewinds.db')
    const writer = new Database(file)
    writer.pragma('journal_mode = WAL')
    writer.pragma('wal_autocheckpoint = 0')
    writer.exec('create table filler (id integer primary key, body blob not null)')
    const thread = new Database(file)
    try {
      const insert = writer.prepare('insert into filler (body) values (?)')
      let pace: CheckpointPace = { frames: 0, caughtUp: false, at: 0, quiet: 0 }
      const counts: number[] = []
      const delays: number[] = []
      for (let tick = 1; tick <= quietTicks + 2; tick++) {
        // One commit of ~(400 + 5 × tick) pages between two checkpoints 100 ms apart: 4,000 frames a second and more.
        insert.run(Buffer.alloc((400 + 5 * tick) * 4_000))
        const result = thread.pragma('wal_checkpoint(PASSIVE)') as [{ busy: number; log: number; checkpointed: number }]
        counts.push(result[0].log)
        const next = nextCheckpoint(pace, result[0], tick * 100, CHECKPOINT_SCHEDULE)
        pace = next.pace
        delays.push(next.delayMs)
      }
      // The case itself: the WAL rewound each tick (it never held two ticks' frames), and its count never fell.
      assert.ok(counts.every((count, i) => count < 800 && (i === 0 || count >= counts[i - 1]!)), `WAL counts ${counts.join(', ')}`)
      assert.deepEqual(delays, Array(quietTicks + 2).fill(busyIntervalMs))
    } finally {
      thread.close()
      writer.close()
    }
  })

  test('a thread that cannot start says why and that it is gone', async () => {
    const reasons: Array<{ reason: string; threadGone: boolean }> = []
    const checkpointer = startWalCheckpointer(join(dir, 'missing', 'nothing.db'), (reason, threadGone) => reasons.push({ reason, threadGone }))
    const deadline = Date.now() + 10_000
    while (!reasons.some((entry) => entry.threadGone) && Date.now() < deadline) await sleep(50)
    await checkpointer.stop()
    assert.equal(reasons.length, 1, `reported once: ${JSON.stringify(reasons)}`)
    assert.ok(reasons[0]!.threadGone && /directory does not exist|unable to open|SQLITE_CANTOPEN/i.test(reasons[0]!.reason), JSON.stringify(reasons))
  })

  test('the CLI and the tests keep SQLite checkpointing inside commits (no thread)', async () => {
    const db = sqliteDialect.open(join(dir, 'cli.db'), {})
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
      assert.equal(rows[0]?.wal_autocheckpoint, 10_000)
    } finally {
      await db.destroy()
    }
  })
})
