import { CompiledQuery, sql, type RawBuilder, type Selectable } from 'kysely'
import type { LogPosition } from '../provisioning/store.js'
import type { LogFilters, LogOutcome, ProvisioningLogEntry } from '../provisioning/types.js'
import { isStorableText } from './db-errors.js'
import type { ProvisioningLogTable } from './provisioning-log-table.js'
import { atomically, type RepoContext } from './repo-context.js'
import { textKey } from './text-key.js'

type Row = Selectable<ProvisioningLogTable>

const MAX_SEARCH_TEXT = 4000
/** A literal, not a parameter, so that SQLite can use the partial index on failures (migration 0003). */
const FAILURE = sql<boolean>`outcome = 'failure'`
/** Most resource ids one name is followed to (a userName reused by a few deleted and recreated users). */
const MAX_IDS_PER_NAME = 20

/** Pure ASCII: its case-folded key (text-key.ts) is SQLite's lower() of it, and PostgreSQL's in the C collation. */
const isAscii = (text: string): boolean => !/[^\x00-\x7f]/.test(text)

/**
 * The text a `text` search matches besides the row's own path and client (which the query folds with lower()):
 * every other searchable part, and the path and client too when they are not ASCII, which lower() does not fold
 * as textKey does. Most entries are Entra's lookups, whose only texts are an ASCII path and client: their
 * search_text is empty, instead of a second copy of both in every row (issue #6: the log's cost per lookup).
 */
function searchTextOf(entry: ProvisioningLogEntry): string {
  let haystack = ''
  const add = (part: string | null): void => {
    if (part !== null && part !== '') haystack = haystack === '' ? part : `${haystack}\n${part}`
  }
  add(entry.userName)
  add(entry.resourceId)
  if (!isAscii(entry.path)) add(entry.path)
  add(entry.detail)
  add(entry.scimType)
  if (entry.client !== null && !isAscii(entry.client)) add(entry.client)
  for (const note of entry.notes) add(note)
  return haystack === '' ? '' : textKey(haystack).slice(0, MAX_SEARCH_TEXT)
}

/** The columns of a log row, in the order pushCells gives their values. */
const COLUMNS = [
  'id', 'org_id', 'at', 'request_id', 'token_id', 'client', 'method', 'path', 'resource_type', 'resource_id', 'user_name', 'name_key',
  'status', 'outcome', 'scim_type', 'detail', 'duration_ms', 'operation', 'notes', 'changes', 'membership', 'search_text',
] as const satisfies readonly (keyof ProvisioningLogTable)[]

/** The first 13 columns (id … status), which every row binds: appended to `cells`. */
function pushRequestCells(cells: unknown[], entry: ProvisioningLogEntry): void {
  cells.push(
    entry.id,
    entry.orgId,
    entry.time,
    entry.requestId,
    entry.tokenId,
    entry.client,
    entry.method,
    entry.path,
    entry.resourceType,
    entry.resourceId,
    entry.userName,
    entry.userName === null ? null : textKey(entry.userName),
    entry.status,
  )
}

/** An entry's row as values in COLUMNS order, appended to `cells` (no row object in between: one per request). */
function pushCells(cells: unknown[], entry: ProvisioningLogEntry): void {
  pushRequestCells(cells, entry)
  cells.push(
    entry.outcome,
    entry.scimType,
    entry.detail,
    entry.durationMs,
    entry.operation,
    // Most entries (lookups) have neither.
    entry.notes.length === 0 ? '[]' : JSON.stringify(entry.notes),
    entry.changes.length === 0 ? '[]' : JSON.stringify(entry.changes),
    entry.membership === null ? null : JSON.stringify(entry.membership),
    searchTextOf(entry),
  )
}

/**
 * A successful request that changed nothing and noted nothing: Entra's lookups and GETs, most of the log. Its row's
 * other columns are constants, written into the SQL of its own insert (PLAIN_CONSTANTS) instead of bound for every
 * row: binding is a good part of SQLite's cost per row (measured: 50-row inserts ~1 µs a row cheaper with 7 fewer).
 */
const isPlain = (entry: ProvisioningLogEntry): boolean =>
  entry.outcome === 'success' &&
  entry.operation === null &&
  entry.scimType === null &&
  entry.detail === null &&
  entry.notes.length === 0 &&
  entry.changes.length === 0 &&
  entry.membership === null

/** A plain entry's row without its constant columns, in PLAIN_COLUMNS order. */
function pushPlainCells(cells: unknown[], entry: ProvisioningLogEntry): void {
  pushRequestCells(cells, entry)
  cells.push(entry.durationMs, searchTextOf(entry))
}

/** The value of every column a plain entry's row has in common (the unlisted ones are null). */
const PLAIN_CONSTANTS = { outcome: 'success', notes: '[]', changes: '[]' } as const
const PLAIN_COLUMNS = COLUMNS.filter(
  (column) => !(column in PLAIN_CONSTANTS) && !['scim_type', 'detail', 'operation', 'membership'].includes(column),
)

type InsertRow = Record<(typeof COLUMNS)[number], unknown>
type Shape = 'full' | 'plain'

/** Rows per INSERT statement: large enough to amortize a statement, small enough for any engine's parameter limit. */
const ROWS_PER_INSERT = 50

/** An INSERT's SQL for one engine, shape and row count, and which row and column each placeholder takes. */
interface CompiledInsert {
  sql: string
  /** For each placeholder in order: row * width + column. */
  order: number[]
  /** Whether `order` is 0, 1, 2, …: the cells can be passed as they are (SQLite and PostgreSQL both compile so). */
  inOrder: boolean
}

/** Marks a placeholder while the statement is compiled once (the same idea as prepared-query.ts, positional). */
class Cell {
  constructor(readonly index: number) {}
}

/**
 * INSERTs of `rows` rows, compiled once per engine, shape and row count (only ROWS_PER_INSERT and 1 occur): building
 * a 200-row insert with Kysely's builder on every flush cost more CPU than SQLite spent writing it.
 */
const compiledInserts = new Map<string, CompiledInsert>()
function compiledInsert(context: RepoContext, shape: Shape, rows: number): CompiledInsert {
  const key = `${context.dialect.engine}:${shape}:${rows}`
  let compiled = compiledInserts.get(key)
  if (compiled === undefined) {
    const bound = shape === 'plain' ? PLAIN_COLUMNS : COLUMNS
    const constants = shape === 'plain' ? Object.fromEntries(Object.entries(PLAIN_CONSTANTS).map(([column, value]) => [column, sql.lit(value)])) : {}
    const values = Array.from({ length: rows }, (_, row) => ({
      ...Object.fromEntries(bound.map((column, index) => [column, new Cell(row * bound.length + index)])),
      ...constants,
    })) as unknown as InsertRow[]
    const { sql: text, parameters } = context.db.insertInto('provisioning_log').values(values as never).compile()
    const order = parameters.map((parameter) => {
      if (!(parameter instanceof Cell)) throw new Error(`The log insert has a fixed parameter: ${text}`)
      return parameter.index
    })
    compiled = { sql: text, order, inOrder: order.every((cell, index) => cell === index) }
    compiledInserts.set(key, compiled)
  }
  return compiled
}

/** ES2024's String methods, in Node 20 but not in this project's TypeScript lib. */
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string }

/**
 * A lone surrogate (a client's "\ud800") becomes U+FFFD, on both engines alike: pg already sent it so (as UTF-8),
 * while SQLite stored it as three replacement characters.
 */
const wellFormed = (cell: unknown): unknown =>
  typeof cell === 'string' && !(cell as WellFormedString).isWellFormed() ? (cell as WellFormedString).toWellFormed() : cell

/** One INSERT of `entries` (at most ROWS_PER_INSERT), plain if they all are. */
function insertStatement(context: RepoContext, entries: readonly ProvisioningLogEntry[]): { sql: string; parameters: unknown[] } {
  const shape: Shape = entries.every(isPlain) ? 'plain' : 'full'
  const { sql: text, order, inOrder } = compiledInsert(context, shape, entries.length)
  const cells: unknown[] = []
  for (const entry of entries) (shape === 'plain' ? pushPlainCells : pushCells)(cells, entry)
  for (let index = 0; index < cells.length; index++) cells[index] = wellFormed(cells[index])
  return { sql: text, parameters: inOrder ? cells : order.map((index) => cells[index]) }
}

/**
 * SQLite: a batch as 50-row INSERTs (the rest one row each, so that only two texts per shape are ever prepared), in
 * one transaction. They run at once, synchronously, when the connection is free (writeNow), else through Kysely.
 */
async function insertBatchSqlite(context: RepoContext, entries: readonly ProvisioningLogEntry[]): Promise<number> {
  const statements: { sql: string; parameters: unknown[] }[] = []
  let start = 0
  for (; start + ROWS_PER_INSERT <= entries.length; start += ROWS_PER_INSERT) statements.push(insertStatement(context, entries.slice(start, start + ROWS_PER_INSERT)))
  for (; start < entries.length; start++) statements.push(insertStatement(context, [entries[start]!]))
  if (context.writeNow?.(statements)) return entries.length
  // One transaction: a batch is written whole or not at all (the writer retries a refused batch entry by entry).
  await atomically(context, async (tx) => {
    for (const statement of statements) await tx.db.executeQuery(CompiledQuery.raw(statement.sql, statement.parameters))
  })
  return entries.length
}

/** PostgreSQL's type of each column, in COLUMNS order (text unless listed). */
const POSTGRES_TYPES: Partial<Record<(typeof COLUMNS)[number], string>> = { status: 'int4', duration_ms: 'float8' }
const postgresCell = (column: (typeof COLUMNS)[number], index: number): string =>
  POSTGRES_TYPES[column] ? `(entry->>${index})::${POSTGRES_TYPES[column]}` : `entry->>${index}`

/**
 * PostgreSQL: a whole batch in one statement, its rows one JSON array of arrays (cells in COLUMNS order): one round
 * trip with no BEGIN/COMMIT around it (a statement is atomic), and one text that every connection prepares once.
 * JSON, because V8 writes it in C++ and PostgreSQL parses it in C: the array-per-column parameters it replaced were
 * escaped element by element in JavaScript by pg (~1.7 µs of the server's CPU a row, against ~0.6 µs for JSON; and 200
 * rows in 50-row VALUES inserts inside a transaction, before that, cost ~7–9 µs a row in six round trips).
 *
 * The table has no foreign key to organizations on PostgreSQL (migration 0011): its check ran a locking query per
 * row, a third of the database's work for a lookup's entry. The statement takes the same guarantee once per
 * organization in the batch instead: FOR KEY SHARE on the organization's row, which an organization's deletion
 * (the row first, then its log, by migration 0011's trigger) waits for, so no entry can outlive its organization. Entries of
 * an organization that is gone are left out, and the count written says how many were not.
 */
const POSTGRES_BATCH_INSERT = `with live as (select id from organizations where id = any($2::text[]) for key share)
insert into provisioning_log (${COLUMNS.join(', ')})
select ${COLUMNS.map(postgresCell).join(', ')} from jsonb_array_elements($1::jsonb) as entry
where entry->>${COLUMNS.indexOf('org_id')} in (select id from live)`

/** Most rows in one PostgreSQL statement (the writer's batches are at most 1,000). */
const POSTGRES_ROWS_PER_INSERT = 1000

async function insertBatchPostgres(context: RepoContext, entries: readonly ProvisioningLogEntry[]): Promise<number> {
  context.dialect.hotStatement?.(POSTGRES_BATCH_INSERT)
  const rows: unknown[][] = []
  for (const entry of entries) {
    const cells: unknown[] = []
    pushCells(cells, entry)
    for (let index = 0; index < cells.length; index++) cells[index] = wellFormed(cells[index])
    rows.push(cells)
  }
  const orgIds = [...new Set(entries.map((entry) => entry.orgId))]
  const result = await context.db.executeQuery(CompiledQuery.raw(POSTGRES_BATCH_INSERT, [JSON.stringify(rows), orgIds]))
  return Number(result.numAffectedRows ?? 0n)
}

function fromRow(row: Row): ProvisioningLogEntry {
  return {
    id: row.id,
    orgId: row.org_id,
    time: row.at,
    requestId: row.request_id,
    tokenId: row.token_id,
    client: row.client,
    method: row.method,
    path: row.path,
    resourceType: row.resource_type as ProvisioningLogEntry['resourceType'],
    resourceId: row.resource_id,
    userName: row.user_name,
    status: Number(row.status),
    outcome: row.outcome as LogOutcome,
    scimType: row.scim_type,
    detail: row.detail,
    durationMs: Number(row.duration_ms),
    operation: row.operation as ProvisioningLogEntry['operation'],
    notes: JSON.parse(row.notes) as string[],
    changes: JSON.parse(row.changes) as ProvisioningLogEntry['changes'],
    membership: row.membership === null ? null : (JSON.parse(row.membership) as ProvisioningLogEntry['membership']),
  }
}

/** The provisioning log's rows. Every statement filters by org_id first and walks one of migration 0003's indexes. */
export function provisioningLogRepo(context: RepoContext) {
  const { db, dialect } = context
  // SQLite compares the INTEGER seq with a number; PostgreSQL's bigint takes the decimal text as it is.
  const seqParam = (seq: string): number | string => (dialect.engine === 'sqlite' ? Number(seq) : seq)
  // lower() of ASCII as textKey folds it. PostgreSQL's follows the database's locale (a Turkish one makes I into ı),
  // so it runs in the "C" collation, which folds A-Z only; SQLite's lower() folds A-Z only anyway.
  const asciiLower = (text: RawBuilder<unknown>): RawBuilder<string> =>
    dialect.engine === 'postgres' ? sql<string>`lower(${text} collate "C")` : sql<string>`lower(${text})`
  const position = (row: { at: string; seq: number | string }): LogPosition => ({ time: row.at, seq: String(row.seq) })

  return {
    async insertLogEntries(entries: readonly ProvisioningLogEntry[]): Promise<number> {
      if (entries.length === 0) return 0
      if (dialect.engine === 'postgres' && entries.length <= POSTGRES_ROWS_PER_INSERT) return insertBatchPostgres(context, entries)
      if (dialect.engine === 'sqlite') return insertBatchSqlite(context, entries)
      // One transaction: a batch is written whole or not at all (the writer retries a refused batch entry by entry).
      return atomically(context, async (tx) => {
        let written = 0
        for (let start = 0; start < entries.length; start += POSTGRES_ROWS_PER_INSERT) {
          written += await insertBatchPostgres(tx, entries.slice(start, start + POSTGRES_ROWS_PER_INSERT))
        }
        return written
      })
    },

    async queryLogEntries(orgId: string, filters: LogFilters, limit: number, after?: LogPosition) {
      const texts = [orgId, filters.resource ?? '', filters.text ?? '']
      if (!texts.every(isStorableText)) return []
      let query = db.selectFrom('provisioning_log').selectAll().where('org_id', '=', orgId)
      if (filters.since) query = query.where('at', '>=', filters.since)
      if (filters.until) query = query.where('at', '<', filters.until)
      if (filters.outcome === 'failure') query = query.where(FAILURE)
      else if (filters.outcome === 'success') query = query.where('outcome', '=', 'success')
      if (filters.operation) query = query.where('operation', '=', filters.operation)
      const resource = filters.resource
      if (resource) {
        const key = textKey(resource)
        // A request by id that failed or changed nothing has no name in its entry; the ids this name was logged with
        // find those too, so a search by the userName Entra shows lists that user's failures (both walks are indexed).
        const named = await db
          .selectFrom('provisioning_log')
          .select('resource_id')
          .distinct()
          .where('org_id', '=', orgId)
          .where('name_key', '=', key)
          .where('resource_id', 'is not', null)
          .limit(MAX_IDS_PER_NAME)
          .execute()
        const ids = named.map((row) => row.resource_id).filter((id): id is string => id !== null && id !== resource)
        query = query.where((eb) =>
          eb.or([eb('resource_id', '=', resource), eb('name_key', '=', key), ...(ids.length > 0 ? [eb('resource_id', 'in', ids)] : [])]),
        )
      }
      if (filters.text) {
        // search_text holds what lower() cannot fold (searchTextOf); an ASCII path or client is matched in place.
        const key = textKey(filters.text)
        query = query.where((eb) =>
          eb.or([
            dialect.matchText(sql.ref('search_text'), 'co', key),
            dialect.matchText(asciiLower(sql.ref('path')), 'co', key),
            dialect.matchText(asciiLower(sql`coalesce(client, '')`), 'co', key),
          ]),
        )
      }
      if (after) {
        query = query.where((eb) =>
          eb.or([eb('at', '<', after.time), eb.and([eb('at', '=', after.time), eb('seq', '<', seqParam(after.seq))])]),
        )
      }
      const rows = await query.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit).execute()
      return rows.map((row) => ({ entry: fromRow(row), position: position(row) }))
    },

    async lastLogTime(orgId: string): Promise<string | null> {
      // SCIM requests only: they carry a token; SSO sign-in entries (just-in-time creates, refusals) do not.
      const row = await db
        .selectFrom('provisioning_log')
        .select('at')
        .where('org_id', '=', orgId)
        .where('token_id', 'is not', null)
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row?.at ?? null
    },

    async logCounts(orgId: string, since: string) {
      const rows = await db
        .selectFrom('provisioning_log')
        .select((eb) => ['operation', 'outcome', eb.fn.countAll().as('n')])
        .where('org_id', '=', orgId)
        .where('at', '>=', since)
        .groupBy(['operation', 'outcome'])
        .execute()
      return rows.map((row) => ({ operation: row.operation, outcome: row.outcome as LogOutcome, count: Number(row.n) }))
    },

    async logBucketCounts(orgId: string, since: string, bucket: 'hour' | 'day') {
      // ISO-8601 text: its first 13 characters are the hour, its first 10 the day (UTC), on both engines.
      const key = bucket === 'hour' ? sql<string>`substr(at, 1, 13)` : sql<string>`substr(at, 1, 10)`
      const rows = await db
        .selectFrom('provisioning_log')
        .select((eb) => [key.as('bucket'), 'outcome', eb.fn.countAll().as('n')])
        .where('org_id', '=', orgId)
        .where('at', '>=', since)
        .groupBy([key, 'outcome'])
        .execute()
      return rows.map((row) => ({ bucket: row.bucket, outcome: row.outcome as LogOutcome, count: Number(row.n) }))
    },

    async logTopFailures(orgId: string, since: string, limit: number) {
      const rows = await db
        .selectFrom('provisioning_log')
        .select((eb) => ['status', 'scim_type', 'detail', eb.fn.countAll().as('n'), eb.fn.max('at').as('last_at')])
        .where('org_id', '=', orgId)
        .where(FAILURE)
        .where('at', '>=', since)
        .groupBy(['status', 'scim_type', 'detail'])
        .orderBy('n', 'desc')
        .orderBy('last_at', 'desc')
        .limit(limit)
        .execute()
      return rows.map((row) => ({ status: Number(row.status), scimType: row.scim_type, detail: row.detail, count: Number(row.n), lastAt: row.last_at }))
    },

    async logStatusCount(orgId: string, status: number, since: string) {
      const row = await db
        .selectFrom('provisioning_log')
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('at').as('last_at')])
        .where('org_id', '=', orgId)
        .where(status >= 400 ? FAILURE : sql<boolean>`outcome = 'success'`)
        .where('at', '>=', since)
        .where('status', '=', status)
        .executeTakeFirstOrThrow()
      return { count: Number(row.n), lastAt: row.last_at ?? null }
    },

    async logOrganizationIds(): Promise<string[]> {
      return (await db.selectFrom('organizations').select('id').orderBy('id').execute()).map((row) => row.id)
    },

    async deleteLogEntriesBefore(orgId: string, time: string, limit: number): Promise<number> {
      const doomed = db.selectFrom('provisioning_log').select('seq').where('org_id', '=', orgId).where('at', '<', time).orderBy('at').limit(limit)
      const result = await db.deleteFrom('provisioning_log').where('seq', 'in', doomed).executeTakeFirst()
      return Number(result.numDeletedRows)
    },

    async logPositionBeyond(orgId: string, keep: number): Promise<LogPosition | undefined> {
      const row = await db
        .selectFrom('provisioning_log')
        .select(['at', 'seq'])
        .where('org_id', '=', orgId)
        .orderBy('at', 'desc')
        .orderBy('seq', 'desc')
        .limit(1)
        .offset(keep)
        .executeTakeFirst()
      return row ? position(row) : undefined
    },

    async deleteLogEntriesThrough(orgId: string, through: LogPosition, limit: number): Promise<number> {
      const doomed = db
        .selectFrom('provisioning_log')
        .select('seq')
        .where('org_id', '=', orgId)
        .where((eb) => eb.or([eb('at', '<', through.time), eb.and([eb('at', '=', through.time), eb('seq', '<=', seqParam(through.seq))])]))
        .orderBy('at')
        .limit(limit)
      const result = await db.deleteFrom('provisioning_log').where('seq', 'in', doomed).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
