import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isoTime } from './iso-time.js'

test('isoTime is toISOString, for ordinary and edge times', () => {
  const samples = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 951_782_400_000, 1_796_035_019_035, 253_402_300_799_999, 4_102_444_800_000 - 1]
  // A spread of times, and runs of consecutive milliseconds across second, day and year boundaries (the cached second).
  for (let i = 0; i < 2_000; i++) samples.push(Math.floor(((i * 2_654_435_761) % 1_000_003) * 253_402_300.8))
  for (const start of [946_684_799_990, 1_798_761_599_995, 1_796_035_019_998]) for (let ms = start; ms < start + 20; ms++) samples.push(ms)
  for (const ms of samples) assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms))
})

test('isoTime falls back to toISOString outside its fast range', () => {
  for (const ms of [-1, -86_400_001, 1.5, 253_402_300_800_000, 8.64e15]) assert.equal(isoTime(ms), new Date(ms).toISOString())
  assert.throws(() => isoTime(Number.NaN), RangeError)
})
