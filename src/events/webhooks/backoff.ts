/**
 * Delay before retry number `failures` (1 after the first failure): base × 4^(failures−1), capped, with ±20% jitter
 * so that a receiver coming back is not hit by every endpoint's retries at the same instant. With the defaults
 * (5 s base, 10 h cap, 10 attempts) the retries come after about 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h,
 * 10 h and 10 h: about a day.
 */
export function retryDelayMs(failures: number, options: { retryBaseMs: number; retryMaxDelayMs: number }, random: () => number = Math.random): number {
  const exponential = options.retryBaseMs * 4 ** Math.max(0, failures - 1)
  const capped = Math.min(exponential, options.retryMaxDelayMs)
  return Math.round(capped * (0.8 + 0.4 * random()))
}
