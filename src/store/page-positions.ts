/**
 * Where index-paged lists (RFC 7644 `startIndex`) left off, so that the next page is a keyset seek instead of an
 * OFFSET scan. A client walking a list asks for startIndex 1, 1+n, 1+2n, …: each page remembers the creation
 * sequence number of its last row under (organization, list, filter, next offset), and the following page reads
 * `seq > that` through the (org_id, seq) index, costing the same at the end of 100,000 users as at the start.
 *
 * Bounded (least recently used entries go first) and per process: a miss, another instance or a jump to an unseen
 * startIndex falls back to OFFSET, which is always right. When rows before the position were deleted in between, the
 * seek continues after the last row the client saw rather than shifting it past unseen rows; RFC 7644 §3.4.2.4
 * promises no consistency across pages, and this is the kinder of the two behaviours.
 */
export class PagePositions {
  readonly #entries = new Map<string, number | string>()

  constructor(readonly capacity = 4096) {}

  static key(orgId: string, list: string, filterKey: string, offset: number): string {
    return `${orgId}\u0000${list}\u0000${offset}\u0000${filterKey}`
  }

  /** The seq of the last row before `offset`, when a page ended there recently. */
  get(key: string): number | string | undefined {
    const seq = this.#entries.get(key)
    if (seq === undefined) return undefined
    // Refresh its place in the insertion order, which is the eviction order.
    this.#entries.delete(key)
    this.#entries.set(key, seq)
    return seq
  }

  set(key: string, seq: number | string): void {
    this.#entries.delete(key)
    this.#entries.set(key, seq)
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as string)
  }

  get size(): number {
    return this.#entries.size
  }
}
