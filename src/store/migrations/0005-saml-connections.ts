import { sql, type Kysely, type Migration } from 'kysely'
import type { Engine } from '../store.js'

/**
 * SAML single sign-on (issue #9): one connection per organization, the email domains that route SP-initiated
 * logins to it, the ids of AuthnRequests Roster sent (InResponseTo), and consumed assertion ids (the replay cache,
 * in the database so that it holds across instances). Lists of certificates are JSON text, as documents are.
 */
export function samlConnections(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('saml_connections')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().unique().references('organizations.id').onDelete('cascade'))
        .addColumn('idp_entity_id', 'text', (c) => c.notNull())
        .addColumn('idp_sso_url', 'text', (c) => c.notNull())
        .addColumn('idp_certificates', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('metadata_url', 'text')
        .addColumn('metadata_refreshed_at', key)
        .addColumn('metadata_error', 'text')
        .addColumn('allow_idp_initiated', 'integer', (c) => c.notNull())
        .addColumn('jit_enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('updated_at', key, (c) => c.notNull())
        .execute()

      // A domain routes to one connection only, so no organization can capture another's sign-ins by domain.
      await db.schema
        .createTable('saml_connection_domains')
        .addColumn('domain', key, (c) => c.primaryKey())
        .addColumn('connection_id', key, (c) => c.notNull().references('saml_connections.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('saml_connection_domains_connection').on('saml_connection_domains').column('connection_id').execute()

      await db.schema
        .createTable('saml_requests')
        .addColumn('connection_id', key, (c) => c.notNull().references('saml_connections.id').onDelete('cascade'))
        .addColumn('request_id', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('saml_requests_pk', ['connection_id', 'request_id'])
        .execute()
      await db.schema.createIndex('saml_requests_expires').on('saml_requests').column('expires_at').execute()

      await db.schema
        .createTable('saml_consumed_assertions')
        .addColumn('connection_id', key, (c) => c.notNull().references('saml_connections.id').onDelete('cascade'))
        .addColumn('assertion_id', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('saml_consumed_assertions_pk', ['connection_id', 'assertion_id'])
        .execute()
      await db.schema.createIndex('saml_consumed_assertions_expires').on('saml_consumed_assertions').column('expires_at').execute()
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['saml_consumed_assertions', 'saml_requests', 'saml_connection_domains', 'saml_connections']) {
        await db.schema.dropTable(table).execute()
      }
    },
  }
}
