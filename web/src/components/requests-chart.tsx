import type { RequestBucket } from '../api/v1-types'

const WIDTH = 720
const HEIGHT = 180
const PAD = { left: 36, right: 8, top: 10, bottom: 26 }

/**
 * Requests over time by outcome as stacked bars, drawn as inline SVG (no chart library, nothing fetched). `buckets`
 * holds only the non-empty ones, so the slots are laid out from `slots` (every hour or day of the range).
 */
export function RequestsChart({ buckets, slots, label, tick }: { buckets: RequestBucket[]; slots: string[]; label: string; tick: (slot: string) => string }) {
  const bySlot = new Map(buckets.map((b) => [b.bucket, b]))
  const max = Math.max(1, ...buckets.map((b) => b.success + b.failure))
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const slotWidth = plotWidth / Math.max(1, slots.length)
  const barWidth = Math.max(2, slotWidth * 0.7)
  const y = (count: number) => (count / max) * plotHeight
  const labelEvery = Math.ceil(slots.length / 8)
  const total = buckets.reduce((sum, b) => sum + b.success + b.failure, 0)
  const failures = buckets.reduce((sum, b) => sum + b.failure, 0)
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${label}: ${total} requests, ${failures} failed`}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotHeight} y2={PAD.top + plotHeight} class="axis" />
        <text x={PAD.left - 6} y={PAD.top + 4} class="axis-label" text-anchor="end">
          {max}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotHeight} class="axis-label" text-anchor="end">
          0
        </text>
        {slots.map((slot, index) => {
          const bucket = bySlot.get(slot)
          const x = PAD.left + index * slotWidth + (slotWidth - barWidth) / 2
          const ok = y(bucket?.success ?? 0)
          const bad = y(bucket?.failure ?? 0)
          const base = PAD.top + plotHeight
          return (
            <g key={slot}>
              {bucket && (
                <title>
                  {tick(slot)}: {bucket.success} succeeded, {bucket.failure} failed
                </title>
              )}
              {ok > 0 && <rect x={x} y={base - ok} width={barWidth} height={ok} class="bar-ok" />}
              {bad > 0 && <rect x={x} y={base - ok - bad} width={barWidth} height={bad} class="bar-bad" />}
              {index % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - 8} class="axis-label" text-anchor="middle">
                  {tick(slot)}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <figcaption>
        {label}. <span class="key key-ok" aria-hidden="true" /> succeeded <span class="key key-bad" aria-hidden="true" /> failed
      </figcaption>
    </figure>
  )
}

/** The last 24 hours as `YYYY-MM-DDTHH` (UTC) slots, or the last 7 days as `YYYY-MM-DD`, oldest first. */
export function recentSlots(unit: 'hour' | 'day', now = Date.now()): string[] {
  const count = unit === 'hour' ? 24 : 7
  const step = unit === 'hour' ? 3_600_000 : 86_400_000
  const length = unit === 'hour' ? 13 : 10
  return Array.from({ length: count }, (_, i) => new Date(now - (count - 1 - i) * step).toISOString().slice(0, length))
}
