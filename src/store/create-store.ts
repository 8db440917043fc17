import { sql, type Kysely } from 'kysely'
import type { Database } from './database.js'
import type { EngineDialect } from './engine-dialect.js'
import { groupsRepo } from './groups-repo.js'
import { membersRepo } from './members-repo.js'
import { orgsRepo } from './orgs-repo.js'
import { samlRepo } from './saml-repo.js'
import type { RepoContext } from './repo-context.js'
import type { Store } from './store.js'
import { tokensRepo } from './tokens-repo.js'
import { usersRepo } from './users-repo.js'

/**
 * A Store over `db`, which is either the database or an open transaction (`inTransaction`). A
 * transaction store's transaction() reuses it, so domain code can nest without caring.
 */
export function createStore(db: Kysely<Database>, dialect: EngineDialect, inTransaction = false): Store {
  // A transaction holds its connection, so only the database's own store may read past Kysely's queue.
  const context: RepoContext = { db, dialect, inTransaction, runNow: inTransaction ? undefined : dialect.immediateReader?.(db) }
  const store: Store = {
    engine: dialect.engine,
    ...usersRepo(context),
    ...groupsRepo(context),
    ...membersRepo(context),
    ...orgsRepo(context),
    ...tokensRepo(context),
    ...samlRepo(context),

    async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
      if (inTransaction) return work(store)
      return db.transaction().execute((trx) => work(createStore(trx, dialect, true)))
    },

    async ping(): Promise<void> {
      await sql`select 1`.execute(db)
    },

    async close(): Promise<void> {
      if (inTransaction) throw new Error('close() was called on a transaction store; close the store that opened it')
      await db.destroy()
    },
  }
  return store
}
