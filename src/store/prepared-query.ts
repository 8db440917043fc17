import { CompiledQuery, type Compilable, type Kysely } from 'kysely'
import type { Database } from './database.js'
import type { RepoContext } from './repo-context.js'
import type { Engine } from './store.js'

/** Stands in for a named parameter while a statement is compiled once; see `preparedQuery`. */
class Slot {
  constructor(readonly name: string) {}
}

/** The SQL of one engine and how to lay out a call's parameters in its placeholder order. */
interface CompiledForm {
  sql: string
  bind(params: Readonly<Record<string, unknown>>): unknown[]
}

/** A statement written once with Kysely's builder, then run with fresh parameters without rebuilding it. */
export interface PreparedQuery<Params extends Record<string, unknown>, Row> {
  /** The rows of a read, on the context's database or transaction. */
  rows(context: RepoContext, params: Params): Promise<Row[]>
  /** The number of rows a write changed. */
  run(context: RepoContext, params: Params): Promise<bigint>
}

/**
 * Builds `build`'s statement once per engine (with a placeholder per named parameter) and afterwards only binds and
 * executes it. On the SCIM hot paths Kysely's building and compiling cost more than SQLite's execution (measured:
 * ~7 µs of a 23 µs lookup); the SQL text is the builder's own, so each engine still gets its own placeholders.
 * On SQLite a read outside a transaction runs at once when the connection is free (`RepoContext.runNow`).
 */
export function preparedQuery<Params extends Record<string, unknown>, Row>(
  build: (db: Kysely<Database>, params: Params) => Compilable<Row>,
): PreparedQuery<Params, Row> {
  const forms = new Map<Engine, CompiledForm>()
  const formFor = (context: RepoContext): CompiledForm => {
    let form = forms.get(context.dialect.engine)
    if (form === undefined) {
      form = compileWithSlots(context.db, build)
      forms.set(context.dialect.engine, form)
      context.dialect.hotStatement?.(form.sql)
    }
    return form
  }
  return {
    async rows(context, params) {
      const form = formFor(context)
      const parameters = form.bind(params)
      const immediate = context.runNow?.(form.sql, parameters)
      if (immediate !== undefined) return immediate as Row[]
      return (await context.db.executeQuery<Row>(CompiledQuery.raw(form.sql, parameters))).rows
    },
    async run(context, params) {
      const form = formFor(context)
      const result = await context.db.executeQuery(CompiledQuery.raw(form.sql, form.bind(params)))
      return result.numAffectedRows ?? 0n
    },
  }
}

function compileWithSlots<Params extends Record<string, unknown>>(
  db: Kysely<Database>,
  build: (db: Kysely<Database>, params: Params) => Compilable<unknown>,
): CompiledForm {
  const slots = new Proxy({} as Params, { get: (_target, name) => new Slot(String(name)) })
  const { sql, parameters } = build(db, slots).compile()
  // Every placeholder must be a named parameter: a value baked in at compile time would be reused for every call.
  const names = parameters.map((parameter) => {
    if (!(parameter instanceof Slot)) throw new Error(`A prepared statement has a fixed parameter (${String(parameter)}); pass it as a named parameter: ${sql}`)
    return parameter.name
  })
  return { sql, bind: (params) => names.map((name) => params[name]) }
}
