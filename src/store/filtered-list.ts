import type { Kysely, RawBuilder, Selectable, SqlBool } from 'kysely'
import type { ListPage } from '../directory/types.js'
import type { FilterNode } from '../scim/filter/ast.js'
import { matchesFilter } from '../scim/filter/evaluate-filter.js'
import type { Database } from './database.js'
import type { KeysetListQuery, KeysetPageInfo, KeysetSeek } from '../scim/list-cursor.js'
import { PagePositions } from './page-positions.js'
import { pageWindow, type RepoContext } from './repo-context.js'

/** Rows read per round trip while a residual filter is checked in memory. */
export const RESIDUAL_BATCH_SIZE = 500

/** How one resource table is read for a list; the repositories supply the SQL with the filter's `where` applied. */
export interface ListSource<Row> {
  /** Matching rows (of the SQL part) counted in the database. */
  count(): Promise<number>
  /** A page of the SQL part, in creation order. */
  page(offset: number, limit: number): Promise<Row[]>
  /** Up to `limit` rows of the SQL part after creation position `afterSeq`, in creation order (an index seek). */
  batchAfter(afterSeq: number | string | undefined, limit: number): Promise<Row[]>
  /** The last `limit` rows of the SQL part before creation position `beforeSeq`, in creation order (an index seek). */
  batchBefore(beforeSeq: number | string, limit: number): Promise<Row[]>
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
    batchBefore: async (beforeSeq, limit) =>
      ((await matching().selectAll().where('seq', '<', beforeSeq).orderBy('seq', 'desc').limit(limit).execute()) as Row[]).reverse(),
    seqOf: (row) => (row as { seq: number | string }).seq,
    resourceOf: (row) => {
      const { document, id, created_at, updated_at } = row as { document: string; id: string; created_at: string; updated_at: string }
      return { ...parseDocument(document), id, meta: { resourceType, created: created_at, lastModified: updated_at } }
    },
  }
}

/** What listFiltered is asked: RFC 7644 paging, or (`seek`) a keyset position from an RFC 9865 cursor. */
export interface FilteredListQuery extends KeysetListQuery {
  startIndex: number
  count: number
}

/** Where index-paged positions are remembered for this list (absent inside transactions). */
export interface PositionMemory {
  positions: PagePositions
  /** Organization, list and filter, so that a position is only ever reused for the same list. */
  key: (offset: number) => string
}

/** The position memory of one list (organization, table, filter) in this store, if it keeps one. */
export function positionMemory(context: RepoContext, orgId: string, list: ResourceTable, filter: FilterNode | undefined): PositionMemory | undefined {
  const positions = context.positions
  if (positions === undefined) return undefined
  const filterKey = filter === undefined ? '' : JSON.stringify(filter)
  return { positions, key: (offset) => PagePositions.key(orgId, list, filterKey, offset) }
}

/**
 * A page of a filtered list (RFC 7644 §3.4.2, RFC 9865). When SQL decided the whole filter, it counts and pages in
 * the database by keyset where it can (see page-positions.ts). Otherwise candidates stream in creation order in
 * batches and `residual` is checked on each, so totalResults and the page are right without holding the organization.
 */
export async function listFiltered<Row>(
  source: ListSource<Row>,
  residual: FilterNode | undefined,
  coreSchema: string,
  query: FilteredListQuery,
  memory?: PositionMemory,
): Promise<ListPage<Row> & KeysetPageInfo> {
  if (residual !== undefined) return listResidual(source, residual, coreSchema, query)
  const { offset, limit } = pageWindow(query.startIndex, query.count)
  if (limit === 0) return { totalResults: await source.count(), items: [] }
  if (query.seek !== undefined) return seekPage(source, query.seek, limit, await source.count())

  const known = offset > 0 ? memory?.positions.get(memory.key(offset)) : undefined
  const items = known === undefined ? await source.page(offset, limit) : await source.batchAfter(known, limit)
  const last = items.at(-1)
  // Only a full page can be followed by another; lookups (one row or none) leave nothing to remember.
  if (last !== undefined && items.length === limit) memory?.positions.set(memory.key(offset + items.length), source.seqOf(last))
  // A short, non-empty page (or a short first page) read by OFFSET is the end of the list, so it tells the total without
  // a COUNT: Entra's lookups (`userName eq "…"`, at most one row) then cost one query.
  const totalResults = known === undefined && items.length < limit && (items.length > 0 || offset === 0) ? offset + items.length : await source.count()
  return withPositions(source, { totalResults, items }, offset > 0, items.length === limit && offset + items.length < totalResults)
}

/** A cursor page: `limit` rows after or before a position, one more read to know whether the list goes on. */
async function seekPage<Row>(source: ListSource<Row>, seek: KeysetSeek, limit: number, totalResults: number): Promise<ListPage<Row> & KeysetPageInfo> {
  // A number where it is exact (SQLite's integer seq compares with it directly); PostgreSQL's bigint takes the text.
  const at = Number.isSafeInteger(Number(seek.seq)) ? Number(seek.seq) : seek.seq
  if (seek.direction === 'after') {
    const rows = await source.batchAfter(at, limit + 1)
    return withPositions(source, { totalResults, items: rows.slice(0, limit) }, true, rows.length > limit)
  }
  const rows = await source.batchBefore(at, limit + 1)
  return withPositions(source, { totalResults, items: rows.slice(-limit) }, rows.length > limit, true)
}

/** The residual path: every candidate is read anyway (for totalResults), so a seek only selects which matches to keep. */
async function listResidual<Row>(source: ListSource<Row>, residual: FilterNode, coreSchema: string, query: FilteredListQuery): Promise<ListPage<Row> & KeysetPageInfo> {
  const { offset, limit } = pageWindow(query.startIndex, query.count)
  const seek = query.seek
  const bound = seek === undefined ? undefined : BigInt(seek.seq)
  const kept: Row[] = []
  let totalResults = 0
  let before = 0
  let after = 0
  let afterSeq: number | string | undefined
  for (;;) {
    const batch = await source.batchAfter(afterSeq, RESIDUAL_BATCH_SIZE)
    for (const row of batch) {
      if (!matchesFilter(source.resourceOf(row), residual, { coreSchema })) continue
      totalResults++
      if (bound === undefined) {
        if (totalResults > offset && kept.length < limit) kept.push(row)
        else if (totalResults <= offset) before++
        else after++
      } else if (seek!.direction === 'after') {
        const seq = BigInt(source.seqOf(row))
        if (seq <= bound) before++
        else if (kept.length < limit) kept.push(row)
        else after++
      } else if (BigInt(source.seqOf(row)) < bound) {
        kept.push(row)
        if (kept.length > limit) {
          kept.shift()
          before++
        }
      } else after++
    }
    const last = batch.at(-1)
    if (last === undefined || batch.length < RESIDUAL_BATCH_SIZE) break
    afterSeq = source.seqOf(last)
  }
  return withPositions(source, { totalResults, items: kept }, before > 0, after > 0)
}

/** Adds the cursor positions of a page: previous when rows may precede it, next when rows follow. */
function withPositions<Row>(source: ListSource<Row>, page: ListPage<Row>, hasPrevious: boolean, hasNext: boolean): ListPage<Row> & KeysetPageInfo {
  const first = page.items[0]
  const last = page.items.at(-1)
  const result: ListPage<Row> & KeysetPageInfo = page
  if (hasPrevious && first !== undefined) result.previousBeforeSeq = String(source.seqOf(first))
  if (hasNext && last !== undefined) result.nextAfterSeq = String(source.seqOf(last))
  return result
}

/** Parses a stored document; the store only ever writes JSON objects there. */
export function parseDocument(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text)
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
}
