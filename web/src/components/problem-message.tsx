import type { Problem } from '../api/problem'

/** An error in words: what happened (title) and what to do (detail). */
export function ProblemMessage({ problem, context }: { problem: Problem; context?: string }) {
  return (
    <div class="problem" role="alert">
      <p class="problem-title">
        {context ? `${context}: ` : ''}
        {problem.title}
      </p>
      {problem.detail && <p>{problem.detail}</p>}
    </div>
  )
}
