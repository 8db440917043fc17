import { type Kysely, type Migration, sql } from 'kysely'
import type { Engine } from '../store.js'

/**
 * The OpenID Connect provider (issue 10): clients (secrets hashed), signing keys (private JWKs in the database),
 * authorization requests waiting for SAML, codes and access tokens (hashed), sessions per member and client,
 * back-channel logout deliveries and their fan-out cursor, and organizations' claimed domains.
 * Sessions, codes and tokens keep member ids without a foreign key: a deleted member's sessions must survive the
 * delete long enough for the back-channel logout the deletion causes.
 */
export function oidcSchema(engine: Engine): Migration {
  const key = engine === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('oidc_clients')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', key, (c) => c.notNull())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('backchannel_logout_uri', 'text')
        .addColumn('created_at', key, (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('oidc_signing_keys')
        .addColumn('kid', key, (c) => c.primaryKey())
        .addColumn('alg', key, (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('retired_at', key)
        .execute()

      await db.schema
        .createTable('oidc_pending_authorizations')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('client_id', key, (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('state', 'text')
        .addColumn('nonce', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('code_challenge', key, (c) => c.notNull())
        .addColumn('saml_request_id', key, (c) => c.notNull())
        .addColumn('binding_hash', key, (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .addColumn('member_id', key)
        .addColumn('auth_time', key)
        .addColumn('amr', 'text')
        .execute()
      await db.schema.createIndex('oidc_pending_authorizations_expires').on('oidc_pending_authorizations').column('expires_at').execute()

      await db.schema
        .createTable('oidc_authorization_codes')
        .addColumn('code_hash', key, (c) => c.primaryKey())
        .addColumn('client_id', key, (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('member_id', key, (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('code_challenge', key, (c) => c.notNull())
        .addColumn('sid', key, (c) => c.notNull())
        .addColumn('auth_time', key, (c) => c.notNull())
        .addColumn('amr', 'text', (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .addColumn('used_at', key)
        .execute()
      await db.schema.createIndex('oidc_authorization_codes_expires').on('oidc_authorization_codes').column('expires_at').execute()

      await db.schema
        .createTable('oidc_access_tokens')
        .addColumn('token_hash', key, (c) => c.primaryKey())
        .addColumn('client_id', key, (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('member_id', key, (c) => c.notNull())
        .addColumn('code_hash', key, (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('expires_at', key, (c) => c.notNull())
        .addColumn('revoked_at', key)
        .execute()
      await db.schema.createIndex('oidc_access_tokens_code').on('oidc_access_tokens').column('code_hash').execute()
      await db.schema.createIndex('oidc_access_tokens_member').on('oidc_access_tokens').columns(['org_id', 'member_id']).execute()
      await db.schema.createIndex('oidc_access_tokens_expires').on('oidc_access_tokens').column('expires_at').execute()

      await db.schema
        .createTable('oidc_sessions')
        .addColumn('sid', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('member_id', key, (c) => c.notNull())
        .addColumn('client_id', key, (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('ended_at', key)
        .execute()
      await db.schema.createIndex('oidc_sessions_member').on('oidc_sessions').columns(['org_id', 'member_id']).execute()

      await db.schema
        .createTable('oidc_logout_deliveries')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('client_id', key, (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
        .addColumn('member_id', key, (c) => c.notNull())
        .addColumn('sid', key, (c) => c.notNull())
        .addColumn('event_id', key, (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('status', key, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_response_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', key)
        .addColumn('lease_until', key)
        .addColumn('created_at', key, (c) => c.notNull())
        .addColumn('updated_at', key, (c) => c.notNull())
        .execute()
      await db.schema.createIndex('oidc_logout_deliveries_due').on('oidc_logout_deliveries').columns(['status', 'next_attempt_at']).execute()
      await db.schema.createIndex('oidc_logout_deliveries_org').on('oidc_logout_deliveries').columns(['org_id', 'created_at']).execute()

      // One row: the outbox position through which deprovisioning events were fanned out. It starts at the head, so
      // upgrading never sends logouts for old events.
      await db.schema
        .createTable('oidc_logout_cursor')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .execute()
      await sql`insert into oidc_logout_cursor (id, position) select 'main', coalesce(max(position), 0) from events`.execute(db)

      await db.schema
        .createTable('oidc_org_domains')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('org_id', key, (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('domain', key, (c) => c.notNull())
        .addColumn('verification_value', key, (c) => c.notNull())
        .addColumn('verified_at', key)
        .addColumn('created_at', key, (c) => c.notNull())
        .addUniqueConstraint('oidc_org_domains_org_domain', ['org_id', 'domain'])
        .execute()
      await db.schema.createIndex('oidc_org_domains_domain').on('oidc_org_domains').column('domain').execute()
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'oidc_org_domains', 'oidc_logout_cursor', 'oidc_logout_deliveries', 'oidc_sessions', 'oidc_access_tokens',
        'oidc_authorization_codes', 'oidc_pending_authorizations', 'oidc_signing_keys', 'oidc_clients',
      ]) await db.schema.dropTable(table).execute()
    },
  }
}
