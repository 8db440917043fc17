import type { ListPage, ListQuery } from '../../directory/types.js'
import { decodeCursor, encodeCursor, type CursorScope, type KeysetListQuery, type KeysetPageInfo } from '../../scim/list-cursor.js'
import type { ListQueryParameters } from '../../scim/list-query.js'
import { cursorListResponse, listResponse } from '../../scim/list-response.js'

/**
 * Index paging (RFC 7644 §3.4.2.4) or cursor paging (RFC 9865) of one list request. The cursor is decoded here, where
 * the organization is known, into a keyset position the store seeks to; the page's positions become the response's
 * nextCursor and previousCursor.
 *
 * The directory passes a list query and its page through unchanged, so the keyset fields ride along on them
 * (`KeysetListQuery`, `KeysetPageInfo`); the cursor tests over HTTP fail if that ever stops being true.
 */
export class ListPaging {
  readonly query: ListQuery & KeysetListQuery
  readonly #scope: CursorScope
  readonly #cursorPaged: boolean
  readonly #startIndex: number
  readonly #now: number

  constructor(orgId: string, resourceType: CursorScope['resourceType'], parameters: ListQueryParameters, now = Date.now()) {
    this.#scope = { orgId, resourceType, filter: parameters.filterText }
    this.#cursorPaged = parameters.cursor !== undefined
    this.#startIndex = this.#cursorPaged ? 1 : parameters.startIndex
    this.#now = now
    const query: ListQuery & KeysetListQuery = { startIndex: this.#startIndex, count: parameters.count }
    if (parameters.filter !== undefined) query.filter = parameters.filter
    // An empty cursor asks for the first page of a cursor-paged list (RFC 9865 §2.1).
    if (parameters.cursor) query.seek = decodeCursor(parameters.cursor, this.#scope, now)
    this.query = query
  }

  /** The ListResponse for `resources`, the rendered items of `page`. */
  response(page: ListPage<unknown>, resources: unknown[]): Record<string, unknown> {
    if (!this.#cursorPaged) return listResponse(resources, page.totalResults, this.#startIndex)
    const { nextAfterSeq, previousBeforeSeq } = page as ListPage<unknown> & KeysetPageInfo
    const cursors: { nextCursor?: string; previousCursor?: string } = {}
    if (nextAfterSeq !== undefined) cursors.nextCursor = encodeCursor(this.#scope, { direction: 'after', seq: nextAfterSeq }, this.#now)
    if (previousBeforeSeq !== undefined) cursors.previousCursor = encodeCursor(this.#scope, { direction: 'before', seq: previousBeforeSeq }, this.#now)
    return cursorListResponse(resources, page.totalResults, cursors)
  }
}
