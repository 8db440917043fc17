import type { Kysely, RawBuilder, Selectable, SqlBool } from 'kysely'
import type { ListPage } from '../directory/types.js'
import type { FilterNode } from '../scim/filter/ast.js'
import { matchesFilter } from '../scim/filter/evaluate-filter.js'
import type { Database } from './database.js'
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

/** The resource tables lists are read from; both have seq, id, document and timestamps. */
type ResourceTable = 'users' | 'groups'

/**
 * The ListSource of an organization's rows in `table`, narrowed by the SQL part of a filter (`where`). Users and
 * groups read the same way; only the table and the `meta.resourceType` of the in-memory form differ.
 */
export function organizationTableSource<T extends ResourceTable>(
  db: Kysely<Database>,
  table: T,
  orgId: string,
  where: RawBuilder<SqlBool> | undefined,
): ListSource<Selectable<Database[T]>> {
  type Row = Selectable<Database[T]>
  // One table name typed as the union keeps Kysely's builder simple; rows are returned as the caller's table.
  const matching = () => {
    const base = db.selectFrom(table as ResourceTable).where('org_id', '=', orgId)
    return where === undefined ? base : base.where(where)
  }
  const resourceType = table === 'users' ? 'User' : 'Group'
  return {
    count: async () => Number((await matching().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    page: async (offset, limit) => (await matching().selectAll().orderBy('seq').limit(limit).offset(offset).execute()) as Row[],
    batchAfter: async (afterSeq, limit) => {
      const rows = matching().selectAll()
      return (await (afterSeq === undefined ? rows : rows.where('seq', '>', afterSeq)).orderBy('seq').limit(limit).execute()) as Row[]
    },
    seqOf: (row) => (row as { seq: number | string }).seq,
    resourceOf: (row) => {
      const { document, id, created_at, updated_at } = row as { document: string; id: string; created_at: string; updated_at: string }
      return { ...parseDocument(document), id, meta: { resourceType, created: created_at, lastModified: updated_at } }
    },
  }
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
