import type pg from 'pg'

/** What Kysely reads of BEGIN's result (PostgresConnection.executeQuery): nothing but the command. */
const BEGUN = Object.freeze({ command: 'BEGIN', rowCount: null, rows: [] as unknown[], fields: [] as unknown[], oid: 0 })

/**
 * Lets a transaction's BEGIN travel with its first statement instead of costing a round trip of its own.
 *
 * Kysely sends `begin` and waits for PostgreSQL's answer before it sends the transaction's first statement. On the
 * client's pipeline mode (pg ≥ 8.23: queries are written as they are issued, answered in order), this wrapper sends
 * BEGIN and answers Kysely at once; the next statement follows it on the wire, so PostgreSQL receives both in one
 * wake-up. Each round trip saved is worth tens of µs of kernel time on both ends on this project's VM (bench/README.md).
 *
 * Nothing is lost if BEGIN fails (it practically never does: a connection that died fails the next statement too):
 * the next statement's promise settles only after BEGIN's, and rejects with BEGIN's error, so the transaction fails
 * at its first statement with the real cause.
 */
export function pipelineBegin(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>
  let pendingBegin: Promise<unknown> | undefined
  client.query = ((...args: unknown[]) => {
    const [text, values] = args
    if (text === 'begin' && args.length <= 2 && (values === undefined || (Array.isArray(values) && values.length === 0)) && pendingBegin === undefined) {
      const begin = query('begin')
      // Observed by the next statement; never an unhandled rejection meanwhile.
      begin.catch(() => {})
      pendingBegin = begin
      return Promise.resolve(BEGUN)
    }
    const begin = pendingBegin
    if (begin === undefined) return query(...args)
    pendingBegin = undefined
    const result = query(...args)
    if (typeof (result as { then?: unknown } | undefined)?.then !== 'function') return result
    return begin.then(
      () => result,
      (error: unknown) => {
        result.catch(() => {})
        throw error
      },
    )
  }) as typeof client.query
}
