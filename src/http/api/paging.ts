import { Type, type Static, type TSchema } from 'typebox'
export { decodeCursor, encodeCursor } from './cursor.js'

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
