import { ApiProblem } from './problem.js'

/** Opaque cursors (base64url of a small JSON object), kept apart from the schemas so the CLI can use them cheaply. */
export function encodeCursor(kind: string, value: string | number): string {
  return Buffer.from(JSON.stringify({ k: kind, v: value })).toString('base64url')
}

/** The value a cursor of `kind` carries; 400 invalid-cursor for anything else (a cursor of another list too). */
export function decodeCursor<T extends string | number>(cursor: string, kind: string, type: 'string' | 'number'): T {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  const value = (parsed as { k?: unknown; v?: unknown } | undefined)?.v
  if ((parsed as { k?: unknown } | undefined)?.k !== kind || typeof value !== type) {
    throw new ApiProblem('invalid-cursor', 'The `after` cursor is not one this list gave out; pass the `next` value of the previous page unchanged.')
  }
  return value as T
}
