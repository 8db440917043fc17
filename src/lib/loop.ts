/**
 * A background loop (style.md §7 "Workers"): runs `step` again at once while it reports more work, else after
 * `intervalMs`; `stop()` lets the running step finish and resolves after it. A failing step is reported and the loop
 * goes on after the interval, so a database outage never ends background work.
 */
export class Loop {
  readonly #step: () => Promise<boolean>
  readonly #intervalMs: number
  readonly #onError: (error: unknown) => void
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = true

  constructor(step: () => Promise<boolean>, options: { intervalMs: number; onError: (error: unknown) => void }) {
    this.#step = step
    this.#intervalMs = options.intervalMs
    this.#onError = options.onError
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#schedule(0)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  #schedule(delay: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#running = this.#run()
    }, delay)
  }

  async #run(): Promise<void> {
    let more = false
    try {
      more = await this.#step()
    } catch (error) {
      this.#onError(error)
    }
    this.#schedule(more ? 0 : this.#intervalMs)
  }
}
