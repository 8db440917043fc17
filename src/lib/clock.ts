/** Time source, injectable so tests can move time (token last-used throttling). */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
