import type { ComponentChildren } from 'preact'
import type { Loaded } from '../api/use-api'
import { ProblemMessage } from './problem-message'

/** Renders a loading line, the problem, or the value. */
export function LoadedView<T>({ state, what, children }: { state: Loaded<T>; what: string; children: (value: T) => ComponentChildren }) {
  if (state.kind === 'loading') return <p role="status">Loading {what}…</p>
  if (state.kind === 'error') return <ProblemMessage problem={state.problem} context={`Could not load ${what}`} />
  return <>{children(state.value)}</>
}
