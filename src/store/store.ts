import type { SessionStore } from '../directory/console-access/session-store.js'
import type { DirectoryStore } from '../directory/store.js'
import type { EventStore } from '../events/store.js'
import type { OidcStore } from '../oidc/store.js'
import type { OrgStore } from '../orgs/store.js'
import type { ProvisioningLogStore } from '../provisioning/store.js'
import type { SamlStore } from '../sso/saml/store.js'

/** The database engines Roster runs on; SQLite for one node, PostgreSQL for several. */
export type Engine = 'sqlite' | 'postgres'

/** Everything the domain persists, behind one object per database (or per transaction). */
export interface Store extends DirectoryStore, OrgStore, ProvisioningLogStore, SessionStore, EventStore, SamlStore, OidcStore {
  readonly engine: Engine
  /** Runs `work` in one transaction; on a store that is already in a transaction, reuses it. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>
  /** Throws when the database does not answer (for /healthz). */
  ping(): Promise<void>
  close(): Promise<void>
}
