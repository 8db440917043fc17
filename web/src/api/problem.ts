/** RFC 9457 problem details, as /api/v1 and the console's own endpoints answer errors. */
export interface Problem {
  type?: string
  title: string
  status: number
  detail?: string
  code?: string
}

/** Turns any failed response (or a network failure) into a Problem with words an admin can act on. */
export async function problemOf(response: Response | undefined, fallbackTitle = 'Roster could not answer'): Promise<Problem> {
  if (response === undefined) {
    return { title: 'Roster cannot be reached', status: 0, detail: 'Check your network connection and that Roster is running, then reload the page.' }
  }
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as Record<string, unknown>
    const title = typeof body.title === 'string' ? body.title : fallbackTitle
    const detail = typeof body.detail === 'string' ? body.detail : undefined
    return { title, status: response.status, detail, code: typeof body.code === 'string' ? body.code : undefined, type: typeof body.type === 'string' ? body.type : undefined }
  } catch {
    return { title: fallbackTitle, status: response.status, detail: `Roster answered ${response.status}. Reload the page; if it persists, tell your operator.` }
  }
}

/** Normalizes an unknown problem-shaped value (openapi-fetch's `error`). */
export function asProblem(value: unknown, status: number): Problem {
  if (value && typeof value === 'object') {
    const body = value as Record<string, unknown>
    return {
      title: typeof body.title === 'string' ? body.title : 'Request refused',
      status: typeof body.status === 'number' ? body.status : status,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      type: typeof body.type === 'string' ? body.type : undefined,
    }
  }
  return { title: 'Roster could not answer', status, detail: `Roster answered ${status}. Reload the page; if it persists, tell your operator.` }
}
