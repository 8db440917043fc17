import { sql, type Kysely } from 'kysely'
import type { Database } from './database.js'
import type { EngineDialect } from './engine-dialect.js'
import { apiKeysRepo } from './api-keys-repo.js'
import { eventsRepo } from './events-repo.js'
import { groupsRepo } from './groups-repo.js'
import { memberQueriesRepo } from './member-queries-repo.js'
import { membersRepo } from './members-repo.js'
import { oidcRepo } from './oidc-repo.js'
import { orgsRepo } from './orgs-repo.js'
import { provisioningLogRepo } from './provisioning-log-repo.js'
import { samlRepo } from './saml-repo.js'
import { PagePositions } from './page-positions.js'
import { GroupCommitter } from './sqlite/group-commit.js'
import type { RepoContext } from './repo-context.js'
import { sessionsRepo } from './sessions-repo.js'
import type { Store } from './store.js'
import { tokensRepo } from './tokens-repo.js'
import { tombstonesRepo } from './tombstones-repo.js'
import { usersRepo } from './users-repo.js'
import { webhooksRepo } from './webhooks-repo.js'

/**
 * A Store over `db`, which is either the database or an open transaction (`inTransaction`). A
 * transaction store's transaction() reuses it, so domain code can nest without caring.
 */
export function createStore(db: Kysely<Database>, dialect: EngineDialect, inTransaction = false): Store {
  // A transaction holds its connection, so only the database's own store may read past Kysely's queue.
  const context: RepoContext = inTransaction
    ? { db, dialect, inTransaction }
    : { db, dialect, inTransaction, runNow: dialect.immediateReader?.(db), writeNow: dialect.immediateWriter?.(db), positions: new PagePositions() }
  // SQLite: transactions that queue up behind one another share a commit (sqlite/group-commit.ts).
  const committer =
    !inTransaction && dialect.engine === 'sqlite' ? new GroupCommitter<Store>(db, (connection) => createStore(connection, dialect, true)) : undefined
  const store: Store = {
    engine: dialect.engine,
    ...usersRepo(context),
    ...groupsRepo(context),
    ...membersRepo(context),
    ...memberQueriesRepo(context),
    ...orgsRepo(context),
    ...tokensRepo(context),
    ...sessionsRepo(context),
    ...provisioningLogRepo(context),
    ...apiKeysRepo(context),
    ...eventsRepo(context),
    ...webhooksRepo(context),
    ...samlRepo(context),
    ...tombstonesRepo(context),
    ...oidcRepo(context),

    async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
      if (inTransaction) return work(store)
      if (committer !== undefined) return committer.run(work)
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
