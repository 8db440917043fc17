import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { asProblem, type Problem } from './problem'

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; problem: Problem } | { kind: 'ok'; value: T }

/** openapi-fetch's result → a value or a Problem; a 404 of the whole /api/v1 surface says so plainly. */
export function resultOf<T>(result: { data?: T; error?: unknown; response: Response }): { ok: true; value: T } | { ok: false; problem: Problem } {
  if (result.data !== undefined && result.response.ok) return { ok: true, value: result.data }
  const problem = asProblem(result.error, result.response.status)
  const contentType = result.response.headers.get('content-type') ?? ''
  if (result.response.status === 404 && !contentType.includes('problem+json')) {
    return {
      ok: false,
      problem: {
        status: 404,
        title: "This Roster's API does not offer this yet",
        detail: 'The console reads this page from /api/v1, which this Roster version does not serve. Update Roster, or use the CLI (npm run cli -- --help).',
      },
    }
  }
  return { ok: false, problem }
}

/** For answers without a body (204): ok, or the Problem. */
export function doneOf(result: { error?: unknown; response: Response }): { ok: true } | { ok: false; problem: Problem } {
  if (result.response.ok) return { ok: true }
  const failed = resultOf({ ...result, data: undefined })
  return failed.ok ? { ok: true } : failed
}

/** Loads with `load` whenever `deps` change; `reload` asks again (after a change). */
export function useApi<T>(load: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: unknown[]): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' })
  const [generation, setGeneration] = useState(0)
  const seen = useRef(generation)
  useEffect(() => {
    let live = true
    // A reload (after a change) keeps showing the current value, so the page keeps its place and its messages.
    const reloading = seen.current !== generation
    seen.current = generation
    if (!reloading) setState({ kind: 'loading' })
    load().then(
      (result) => {
        if (!live) return
        const outcome = resultOf(result)
        setState(outcome.ok ? { kind: 'ok', value: outcome.value } : { kind: 'error', problem: outcome.problem })
      },
      () => live && setState({ kind: 'error', problem: { status: 0, title: 'Roster cannot be reached', detail: 'Check your connection and reload the page.' } }),
    )
    return () => {
      live = false
    }
    // `load` is a fresh closure each render; `deps` say when it means something new.
  }, [...deps, generation])
  return [state, useCallback(() => setGeneration((g) => g + 1), [])]
}
