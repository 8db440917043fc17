import type { ResourceChange, WriteObserver } from '../directory/write-observer.js'

/** Most ignored-input notes one entry keeps (a body with thousands of unknown attributes must not bloat the log). */
const MAX_NOTES = 50

/**
 * One request's WriteObserver: gathers what the domain's writes report (after commit) so that the request's log
 * entry can be built when the response is sent. Never throws, as the WriteObserver contract asks.
 */
export class RequestCollector implements WriteObserver {
  readonly notes: string[] = []
  readonly changes: ResourceChange[] = []

  ignored(notes: string[]): void {
    for (const note of notes) {
      if (this.notes.length >= MAX_NOTES) return
      this.notes.push(note)
    }
  }

  changed(change: ResourceChange): void {
    this.changes.push(change)
  }
}
