import { useCallback, useEffect, useState } from 'preact/hooks'
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

/** Loads with `load` whenever `deps` change; `reload` asks again (after a change). */
export function useApi<T>(load: () => Promise<{ data?: T; error?: unknown; response: Response }>, deps: unknown[]): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' })
  const [generation, setGeneration] = useState(0)
  useEffect(() => {
    let live = true
    setState({ kind: 'loading' })
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
