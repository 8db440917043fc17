import pg from 'pg'

/** Most distinct texts named: the hot statements are a few dozen; the bound keeps a mistake from growing every connection. */
const MAX_NAMED = 500

/** The SQL texts the store runs on every request (prepared-query.ts registers them), each with its statement name. */
const names = new Map<string, string>()

/**
 * A `*` in a select or RETURNING list (`*`, `"t".*`, `"schema"."t".*`): PostgreSQL refuses to run a prepared statement
 * whose result columns changed ("cached plan must not change result type"), which a column added by another
 * instance's migration would do. Such texts stay unnamed; the hot statements name their columns.
 */
const SELECTS_STAR = /(?:\bselect\s+(?:distinct\s+)?|\breturning\s+|,\s*)(?:"?\w+"?\.)*\*/i

const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object'

/**
 * A value pg binds without running any code of its own or of the value's: pg serializes an object (JSON.stringify,
 * toPostgres) while it writes Bind, and when that throws it sends Close for the statement, deallocating a
 * named one on the server while the connection still counts it as prepared, so every later call of the statement on
 * that connection would fail. An array of scalars runs no code but pg's, which serializedArrays runs beforehand (the
 * log's batch insert sends one per column). Calls with other values run unnamed.
 */
const bindsSafely = (value: unknown): boolean => isScalar(value) || (Array.isArray(value) && value.every(isScalar))

/** pg's own conversion of a value to the text it sends (exported by pg, not declared by @types/pg). */
const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils

/**
 * The values of a named call with each array already turned into its text, by pg's own code but before pg writes
 * anything: an array's text can still throw (past V8's longest string, ~512 M characters: a 1,000-entry log batch of
 * large diffs), and thrown here it fails the call alone instead of making pg send Close for the statement.
 */
const serializedArrays = (values: unknown[] | undefined): unknown[] | undefined =>
  values?.some(Array.isArray) ? values.map((value) => (Array.isArray(value) ? prepareValue(value) : value)) : values

/** Marks `text` as a statement to prepare once per connection. Idempotent. */
export function nameStatement(text: string): void {
  if (names.has(text) || names.size >= MAX_NAMED || SELECTS_STAR.test(text)) return
  names.set(text, `roster_${names.size + 1}`)
}

/** The statement name `text` runs under, if it is one of the named (for tests and diagnostics). */
export const statementName = (text: string): string | undefined => names.get(text)

/**
 * Makes `client` run the registered texts as named prepared statements: PostgreSQL parses and plans each once per
 * connection instead of on every call (the SCIM hot paths run the same few statements thousands of times a second).
 * Kysely calls `client.query(text, values)`; everything else (other texts, values that are objects, cursors, configs)
 * passes through.
 */
export function useNamedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  // Texts this connection prepares anew under another name: PostgreSQL refuses a prepared statement on every call once
  // a migration (another instance upgrading first) changed the type of one of its result columns, until the
  // connection closes, which a busy pool's connections never do. The refused statement stays until then, unused.
  const renamed = new Map<string, string>()
  let renames = 0
  client.query = ((...args: unknown[]) => {
    const [text, values] = args
    if (args.length <= 2 && typeof text === 'string' && (values === undefined || (Array.isArray(values) && values.every(bindsSafely)))) {
      const name = renamed.get(text) ?? names.get(text)
      if (name !== undefined) {
        let bound: unknown[] | undefined
        try {
          bound = serializedArrays(values as unknown[] | undefined)
        } catch (error) {
          return Promise.reject(error)
        }
        return (query({ name, text, values: bound }) as Promise<unknown>).catch((error: unknown) => {
          // 0A000 "cached plan must not change result type": nothing ran, the next call prepares the text afresh.
          if ((error as { code?: unknown }).code === '0A000' && renames < MAX_NAMED) renamed.set(text, `${names.get(text)}_${++renames}`)
          throw error
        })
      }
    }
    return query(...args)
  }) as typeof client.query
}
