import type { Selectable } from 'kysely'
import { DomainError } from '../lib/domain-error.js'
import type { SamlConnection } from '../sso/saml/types.js'
import type { SamlConnectionsTable } from './database.js'
import { assertStorable, isStorableText, uniqueViolationTarget } from './db-errors.js'
import { atomically, type RepoContext } from './repo-context.js'

/** SAML connections, their email domains, sent request ids and consumed assertion ids (src/sso/saml/store.ts). */
export function samlRepo(context: RepoContext) {
  const { db } = context

  const withDomains = async (rows: Selectable<SamlConnectionsTable>[]): Promise<SamlConnection[]> => {
    if (rows.length === 0) return []
    const domains = await db
      .selectFrom('saml_connection_domains')
      .select(['connection_id', 'domain'])
      .where('connection_id', 'in', rows.map((row) => row.id))
      .orderBy('position')
      .execute()
    return rows.map((row) => fromRow(row, domains.filter((d) => d.connection_id === row.id).map((d) => d.domain)))
  }
  const one = async (row: Selectable<SamlConnectionsTable> | undefined) => (row === undefined ? undefined : (await withDomains([row]))[0])

  /** Writes the domain rows; a domain another connection holds is a conflict the admin can act on. */
  const writeDomains = async (tx: RepoContext, connection: SamlConnection): Promise<void> => {
    await tx.db.deleteFrom('saml_connection_domains').where('connection_id', '=', connection.id).execute()
    if (connection.emailDomains.length === 0) return
    try {
      await tx.db
        .insertInto('saml_connection_domains')
        .values(connection.emailDomains.map((domain, position) => ({ domain, connection_id: connection.id, position })))
        .execute()
    } catch (error) {
      if (uniqueViolationTarget(error) === undefined) throw error
      throw new DomainError('conflict', `One of the email domains (${connection.emailDomains.join(', ')}) already belongs to another SSO connection`)
    }
  }

  return {
    async insertSamlConnection(connection: SamlConnection): Promise<void> {
      for (const [name, value] of Object.entries(toRow(connection))) if (typeof value === 'string') assertStorable(name, value)
      await atomically(context, async (tx) => {
        try {
          await tx.db.insertInto('saml_connections').values(toRow(connection)).execute()
        } catch (error) {
          if (uniqueViolationTarget(error) === undefined) throw error
          throw new DomainError('conflict', 'The organization already has an SSO connection; change it or remove it first')
        }
        await writeDomains(tx, connection)
      })
    },

    async updateSamlConnection(connection: SamlConnection): Promise<void> {
      for (const [name, value] of Object.entries(toRow(connection))) if (typeof value === 'string') assertStorable(name, value)
      await atomically(context, async (tx) => {
        const { id, org_id, created_at: _createdAt, ...fields } = toRow(connection)
        await tx.db.updateTable('saml_connections').set(fields).where('id', '=', id).where('org_id', '=', org_id).execute()
        await writeDomains(tx, connection)
      })
    },

    async findSamlConnection(orgId: string, id: string): Promise<SamlConnection | undefined> {
      if (!isStorableText(orgId) || !isStorableText(id)) return undefined
      return one(await db.selectFrom('saml_connections').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst())
    },

    async findSamlConnectionById(id: string): Promise<SamlConnection | undefined> {
      if (!isStorableText(id)) return undefined
      return one(await db.selectFrom('saml_connections').selectAll().where('id', '=', id).executeTakeFirst())
    },

    async findSamlConnectionOfOrg(orgId: string): Promise<SamlConnection | undefined> {
      if (!isStorableText(orgId)) return undefined
      return one(await db.selectFrom('saml_connections').selectAll().where('org_id', '=', orgId).executeTakeFirst())
    },

    async findSamlConnectionByDomain(domain: string): Promise<SamlConnection | undefined> {
      if (!isStorableText(domain)) return undefined
      const row = await db
        .selectFrom('saml_connections')
        .innerJoin('saml_connection_domains', 'saml_connection_domains.connection_id', 'saml_connections.id')
        .selectAll('saml_connections')
        .where('saml_connection_domains.domain', '=', domain)
        .executeTakeFirst()
      return one(row)
    },

    async listSamlConnections(orgId?: string): Promise<SamlConnection[]> {
      let query = db.selectFrom('saml_connections').selectAll().orderBy('created_at').orderBy('id')
      if (orgId !== undefined) {
        if (!isStorableText(orgId)) return []
        query = query.where('org_id', '=', orgId)
      }
      return withDomains(await query.execute())
    },

    async listSamlConnectionsToRefresh(before: string, limit: number): Promise<SamlConnection[]> {
      const rows = await db
        .selectFrom('saml_connections')
        .selectAll()
        .where('metadata_url', 'is not', null)
        .where((eb) => eb.or([eb('metadata_refreshed_at', 'is', null), eb('metadata_refreshed_at', '<', before)]))
        .orderBy('metadata_refreshed_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return withDomains(rows)
    },

    async deleteSamlConnection(orgId: string, id: string): Promise<boolean> {
      if (!isStorableText(orgId) || !isStorableText(id)) return false
      const result = await db.deleteFrom('saml_connections').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    async saveSamlRequest(connectionId: string, requestId: string, createdAt: string, expiresAt: string): Promise<void> {
      await db
        .insertInto('saml_requests')
        .values({ connection_id: connectionId, request_id: requestId, created_at: createdAt, expires_at: expiresAt })
        .onConflict((oc) => oc.doNothing())
        .execute()
    },

    async findSamlRequest(connectionId: string, requestId: string, now: string): Promise<string | undefined> {
      // The id comes from an unsigned attribute of a POST anyone can send.
      if (!isStorableText(requestId) || Buffer.byteLength(requestId) > 200) return undefined
      const row = await db
        .selectFrom('saml_requests')
        .select('created_at')
        .where('connection_id', '=', connectionId)
        .where('request_id', '=', requestId)
        .where('expires_at', '>', now)
        .executeTakeFirst()
      return row?.created_at
    },

    async deleteSamlRequest(connectionId: string, requestId: string): Promise<void> {
      if (!isStorableText(requestId)) return
      await db.deleteFrom('saml_requests').where('connection_id', '=', connectionId).where('request_id', '=', requestId).execute()
    },

    async consumeAssertionId(connectionId: string, assertionId: string, expiresAt: string): Promise<boolean> {
      const result = await db
        .insertInto('saml_consumed_assertions')
        .values({ connection_id: connectionId, assertion_id: assertionId, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['connection_id', 'assertion_id']).doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },

    async purgeExpiredSamlState(now: string): Promise<number> {
      const requests = await db.deleteFrom('saml_requests').where('expires_at', '<=', now).executeTakeFirst()
      const assertions = await db.deleteFrom('saml_consumed_assertions').where('expires_at', '<=', now).executeTakeFirst()
      return Number(requests.numDeletedRows) + Number(assertions.numDeletedRows)
    },
  }
}

function toRow(connection: SamlConnection): Selectable<SamlConnectionsTable> {
  return {
    id: connection.id,
    org_id: connection.orgId,
    idp_entity_id: connection.idpEntityId,
    idp_sso_url: connection.idpSsoUrl,
    idp_certificates: JSON.stringify(connection.idpCertificates),
    tenant_id: connection.tenantId,
    metadata_url: connection.metadataUrl,
    metadata_refreshed_at: connection.metadataRefreshedAt,
    metadata_error: connection.metadataError,
    allow_idp_initiated: connection.allowIdpInitiated ? 1 : 0,
    jit_enabled: connection.jitEnabled ? 1 : 0,
    created_at: connection.createdAt,
    updated_at: connection.updatedAt,
  }
}

function fromRow(row: Selectable<SamlConnectionsTable>, emailDomains: string[]): SamlConnection {
  return {
    id: row.id,
    orgId: row.org_id,
    idpEntityId: row.idp_entity_id,
    idpSsoUrl: row.idp_sso_url,
    idpCertificates: JSON.parse(row.idp_certificates) as string[],
    tenantId: row.tenant_id,
    metadataUrl: row.metadata_url,
    metadataRefreshedAt: row.metadata_refreshed_at,
    metadataError: row.metadata_error,
    emailDomains,
    allowIdpInitiated: Number(row.allow_idp_initiated) === 1,
    jitEnabled: Number(row.jit_enabled) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
