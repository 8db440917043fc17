import type { FilterNode } from '../scim/filter/ast.js'
import { matchesFilter } from '../scim/filter/evaluate-filter.js'
import type { ListPage } from '../directory/types.js'
import { pageWindow } from './repo-context.js'

/** Rows read per round trip while a residual filter is checked in memory. */
export const RESIDUAL_BATCH_SIZE = 500

/** How one resource table is read for a list; the repositories supply the SQL with the filter's `where` applied. */
export interface ListSource<Row> {
  /** Matching rows (of the SQL part) counted in the database. */
  count(): Promise<number>
  /** A page of the SQL part, in creation order. */
  page(offset: number, limit: number): Promise<Row[]>
  /** Up to `limit` rows of the SQL part after creation position `afterSeq`, in creation order. */
  batchAfter(afterSeq: number | string | undefined, limit: number): Promise<Row[]>
  seqOf(row: Row): number | string
  /** The row as SCIM JSON (`{...document, id, meta}`) for in-memory evaluation. */
  resourceOf(row: Row): Record<string, unknown>
}

/**
 * A page of a filtered list (RFC 7644 §3.4.2). When SQL decided the whole filter, it counts and
 * pages in the database. Otherwise candidates stream in creation order in batches and `residual`
 * is checked on each, so totalResults and the page are right without holding the organization.
 */
export async function listFiltered<Row>(
  source: ListSource<Row>,
  residual: FilterNode | undefined,
  coreSchema: string,
  query: { startIndex: number; count: number },
): Promise<ListPage<Row>> {
  const { offset, limit } = pageWindow(query.startIndex, query.count)
  if (residual === undefined) {
    if (limit === 0) return { totalResults: await source.count(), items: [] }
    // A short, non-empty page (or a short first page) is the end of the list, so it tells the total without a
    // COUNT: Entra's lookups (`userName eq "…"`, at most one row) then cost one query.
    const items = await source.page(offset, limit)
    if (items.length < limit && (items.length > 0 || offset === 0)) return { totalResults: offset + items.length, items }
    return { totalResults: await source.count(), items }
  }
  const items: Row[] = []
  let totalResults = 0
  let afterSeq: number | string | undefined
  for (;;) {
    const batch = await source.batchAfter(afterSeq, RESIDUAL_BATCH_SIZE)
    for (const row of batch) {
      if (!matchesFilter(source.resourceOf(row), residual, { coreSchema })) continue
      if (totalResults >= offset && items.length < limit) items.push(row)
      totalResults++
    }
    const last = batch.at(-1)
    if (last === undefined || batch.length < RESIDUAL_BATCH_SIZE) break
    afterSeq = source.seqOf(last)
  }
  return { totalResults, items }
}

/** Parses a stored document; the store only ever writes JSON objects there. */
export function parseDocument(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text)
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
}
