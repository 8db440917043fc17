/** A uniformly random element; the workloads draw users and groups with it on every request. */
export function pickRandom<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)]
  if (item === undefined) throw new Error('pickRandom needs at least one item')
  return item
}
