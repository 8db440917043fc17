import { Type, type Static, type TSchema } from 'typebox'
import { ApiProblem } from './problem.js'

/**
 * Cursor paging for every list: `limit` and `after` in, `{ data, next }` out. A cursor is opaque to clients
 * (base64url of a small JSON object), so its contents can change without breaking them.
 */
export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `At most ${MAX_LIMIT}` })),
  after: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'The `next` cursor of the previous page' })),
})
export type PageQuery = Static<typeof PageQuery>

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    next: Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page; null on the last page' }),
  })

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

/** Fetches one more than `limit` to know whether a next page exists, without counting. */
export async function keysetPage<T>(
  limit: number,
  fetch: (limit: number) => Promise<T[]>,
  cursorOf: (last: T) => string,
): Promise<{ data: T[]; next: string | null }> {
  const rows = await fetch(limit + 1)
  const data = rows.slice(0, limit)
  return { data, next: rows.length > limit ? cursorOf(data[data.length - 1]!) : null }
}
