import type { Selectable } from 'kysely'
import { randomBase32 } from '../lib/ids.js'
import type { OidcStore, SessionToEnd } from '../oidc/store.js'
import type { AccessTokenRecord, AuthorizationCode, LogoutDelivery, OidcClient, OrgDomain, PendingAuthorization, SigningKeyRecord } from '../oidc/types.js'
import type { OidcTables } from './oidc-tables.js'
import { atomically, type RepoContext } from './repo-context.js'

type Row<T extends keyof OidcTables> = Selectable<OidcTables[T]>

/** The OpenID Connect provider's tables (migration 0008), the same SQL on both engines. */
export function oidcRepo(context: RepoContext): OidcStore {
  const { db, dialect } = context

  return {
    async insertOidcClient(client) {
      await db.insertInto('oidc_clients').values({
        id: client.id, name: client.name, secret_hash: client.secretHash, redirect_uris: JSON.stringify(client.redirectUris),
        backchannel_logout_uri: client.backchannelLogoutUri, created_at: client.createdAt,
      }).execute()
    },
    async findOidcClient(id) {
      const row = await db.selectFrom('oidc_clients').selectAll().where('id', '=', id).executeTakeFirst()
      return row && clientOf(row)
    },
    async listOidcClients() {
      return (await db.selectFrom('oidc_clients').selectAll().orderBy('id').execute()).map(clientOf)
    },
    async deleteOidcClient(id) {
      const result = await db.deleteFrom('oidc_clients').where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async listPublishedSigningKeys() {
      const rows = await db.selectFrom('oidc_signing_keys').selectAll().where('status', '!=', 'retired').orderBy('created_at', 'desc').execute()
      return rows.map(keyOf).sort((a, b) => (a.status === b.status ? 0 : a.status === 'active' ? -1 : 1))
    },
    async rotateSigningKeys(key, at) {
      await atomically(context, async (tx) => {
        await tx.db.updateTable('oidc_signing_keys').set({ status: 'retired', retired_at: at }).where('status', '=', 'previous').execute()
        await tx.db.updateTable('oidc_signing_keys').set({ status: 'previous' }).where('status', '=', 'active').execute()
        await tx.db.insertInto('oidc_signing_keys').values({
          kid: key.kid, alg: key.alg, private_jwk: key.privateJwk, public_jwk: key.publicJwk, status: 'active', created_at: key.createdAt, retired_at: null,
        }).execute()
      })
    },

    async insertPendingAuthorization(p) {
      await db.insertInto('oidc_pending_authorizations').values({
        id: p.id, client_id: p.clientId, org_id: p.orgId, redirect_uri: p.redirectUri, state: p.state, nonce: p.nonce, scope: p.scope,
        code_challenge: p.codeChallenge, saml_request_id: p.samlRequestId, binding_hash: p.bindingHash, created_at: p.createdAt, expires_at: p.expiresAt,
        member_id: p.memberId, auth_time: p.authTime, amr: p.amr && JSON.stringify(p.amr),
      }).execute()
    },
    async findPendingAuthorization(id) {
      const row = await db.selectFrom('oidc_pending_authorizations').selectAll().where('id', '=', id).executeTakeFirst()
      return row && pendingOf(row)
    },
    async recordPendingLogin(id, login) {
      const result = await db.updateTable('oidc_pending_authorizations')
        .set({ member_id: login.memberId, auth_time: login.authTime, amr: JSON.stringify(login.amr) })
        .where('id', '=', id).where('member_id', 'is', null).executeTakeFirst()
      return result.numUpdatedRows > 0n
    },
    async deletePendingAuthorization(id) {
      const result = await db.deleteFrom('oidc_pending_authorizations').where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async insertAuthorizationCode(c) {
      await db.insertInto('oidc_authorization_codes').values({
        code_hash: c.codeHash, client_id: c.clientId, org_id: c.orgId, member_id: c.memberId, redirect_uri: c.redirectUri, nonce: c.nonce,
        scope: c.scope, code_challenge: c.codeChallenge, sid: c.sid, auth_time: c.authTime, amr: JSON.stringify(c.amr),
        created_at: c.createdAt, expires_at: c.expiresAt, used_at: c.usedAt,
      }).execute()
    },
    async findAuthorizationCode(codeHash) {
      const row = await db.selectFrom('oidc_authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst()
      return row && codeOf(row)
    },
    async markAuthorizationCodeUsed(codeHash, at) {
      const result = await db.updateTable('oidc_authorization_codes').set({ used_at: at }).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst()
      return result.numUpdatedRows > 0n
    },

    async insertAccessToken(t) {
      await db.insertInto('oidc_access_tokens').values({
        token_hash: t.tokenHash, client_id: t.clientId, org_id: t.orgId, member_id: t.memberId, code_hash: t.codeHash, scope: t.scope,
        created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: t.revokedAt,
      }).execute()
    },
    async findAccessToken(tokenHash) {
      const row = await db.selectFrom('oidc_access_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
      return row && accessTokenOf(row)
    },
    async revokeAccessTokensOfCode(codeHash, at) {
      const result = await db.updateTable('oidc_access_tokens').set({ revoked_at: at }).where('code_hash', '=', codeHash).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(result.numUpdatedRows)
    },
    async revokeAccessTokensOfMember(orgId, memberId, at) {
      const result = await db.updateTable('oidc_access_tokens').set({ revoked_at: at })
        .where('org_id', '=', orgId).where('member_id', '=', memberId).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(result.numUpdatedRows)
    },

    async insertOidcSession(s) {
      await db.insertInto('oidc_sessions').values({ sid: s.sid, org_id: s.orgId, member_id: s.memberId, client_id: s.clientId, created_at: s.createdAt, ended_at: s.endedAt }).execute()
    },
    async listOpenOidcSessions(orgId, memberId): Promise<SessionToEnd[]> {
      const rows = await db.selectFrom('oidc_sessions as s').innerJoin('oidc_clients as c', 'c.id', 's.client_id')
        .selectAll('s').select('c.backchannel_logout_uri')
        .where('s.org_id', '=', orgId).where('s.member_id', '=', memberId).where('s.ended_at', 'is', null).orderBy('s.sid').execute()
      return rows.map((r) => ({
        sid: r.sid, orgId: r.org_id, memberId: r.member_id, clientId: r.client_id, createdAt: r.created_at, endedAt: r.ended_at,
        backchannelLogoutUri: r.backchannel_logout_uri,
      }))
    },
    async endOidcSessions(sids, at) {
      if (!sids.length) return
      await db.updateTable('oidc_sessions').set({ ended_at: at }).where('sid', 'in', sids).where('ended_at', 'is', null).execute()
    },

    async lockLogoutCursor() {
      let query = db.selectFrom('oidc_logout_cursor').select('position').where('id', '=', 'main')
      if (dialect.supportsRowLocks) query = query.forUpdate().skipLocked()
      const row = await query.executeTakeFirst()
      return row === undefined ? undefined : Number(row.position)
    },
    async setLogoutCursor(position) {
      await db.updateTable('oidc_logout_cursor').set({ position }).where('id', '=', 'main').execute()
    },

    async insertLogoutDeliveries(deliveries) {
      if (!deliveries.length) return
      await db.insertInto('oidc_logout_deliveries').values(deliveries.map((d) => ({ ...deliveryRow(d), lease_until: null }))).execute()
    },
    async claimLogoutDeliveries(now, leaseUntil, limit) {
      const lease = `${leaseUntil}#${randomBase32(8)}`
      const claim = async (tx: RepoContext['db']): Promise<LogoutDelivery[]> => {
        let candidates = tx.selectFrom('oidc_logout_deliveries').select('id')
          .where('status', '=', 'pending')
          .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('created_at').limit(limit)
        if (dialect.supportsRowLocks) candidates = candidates.forUpdate().skipLocked()
        const ids = (await candidates.execute()).map((r) => r.id)
        if (!ids.length) return []
        const rows = await tx.updateTable('oidc_logout_deliveries').set({ lease_until: lease }).where('id', 'in', ids).returningAll().execute()
        return rows.map(deliveryOf)
      }
      return context.inTransaction ? claim(db) : db.transaction().execute(claim)
    },
    async updateLogoutDelivery(d) {
      const { id, ...rest } = deliveryRow(d)
      await db.updateTable('oidc_logout_deliveries').set({ ...rest, lease_until: null }).where('id', '=', id).execute()
    },
    async listLogoutDeliveries(orgId) {
      return (await db.selectFrom('oidc_logout_deliveries').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute()).map(deliveryOf)
    },

    async insertOrgDomain(d) {
      await db.insertInto('oidc_org_domains').values({
        id: d.id, org_id: d.orgId, domain: d.domain, verification_value: d.verificationValue, verified_at: d.verifiedAt, created_at: d.createdAt,
      }).execute()
    },
    async listOrgDomains(orgId) {
      return (await db.selectFrom('oidc_org_domains').selectAll().where('org_id', '=', orgId).orderBy('domain').execute()).map(domainOf)
    },
    async findOrgDomain(orgId, id) {
      const row = await db.selectFrom('oidc_org_domains').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
      return row && domainOf(row)
    },
    async findVerifiedOrgDomain(domain) {
      const row = await db.selectFrom('oidc_org_domains').selectAll().where('domain', '=', domain).where('verified_at', 'is not', null)
        .orderBy('verified_at').executeTakeFirst()
      return row && domainOf(row)
    },
    async markOrgDomainVerified(id, at) {
      await db.updateTable('oidc_org_domains').set({ verified_at: at }).where('id', '=', id).where('verified_at', 'is', null).execute()
    },
    async deleteOrgDomain(orgId, id) {
      const result = await db.deleteFrom('oidc_org_domains').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    async deleteExpiredOidcRows(before, limit) {
      // Bounded: the oldest `limit` expired rows of each table per pass, found by the expiry indexes.
      const pending = await db.selectFrom('oidc_pending_authorizations').select('id').where('expires_at', '<', before).orderBy('expires_at').limit(limit).execute()
      const codes = await db.selectFrom('oidc_authorization_codes').select('code_hash').where('expires_at', '<', before).orderBy('expires_at').limit(limit).execute()
      const tokens = await db.selectFrom('oidc_access_tokens').select('token_hash').where('expires_at', '<', before).orderBy('expires_at').limit(limit).execute()
      if (pending.length) await db.deleteFrom('oidc_pending_authorizations').where('id', 'in', pending.map((r) => r.id)).execute()
      if (codes.length) await db.deleteFrom('oidc_authorization_codes').where('code_hash', 'in', codes.map((r) => r.code_hash)).execute()
      if (tokens.length) await db.deleteFrom('oidc_access_tokens').where('token_hash', 'in', tokens.map((r) => r.token_hash)).execute()
      return pending.length + codes.length + tokens.length
    },
  }
}

const clientOf = (r: Row<'oidc_clients'>): OidcClient => ({
  id: r.id, name: r.name, secretHash: r.secret_hash, redirectUris: JSON.parse(r.redirect_uris) as string[], backchannelLogoutUri: r.backchannel_logout_uri, createdAt: r.created_at,
})
const keyOf = (r: Row<'oidc_signing_keys'>): SigningKeyRecord => ({
  kid: r.kid, alg: 'RS256', privateJwk: r.private_jwk, publicJwk: r.public_jwk, status: r.status as SigningKeyRecord['status'], createdAt: r.created_at, retiredAt: r.retired_at,
})
const pendingOf = (r: Row<'oidc_pending_authorizations'>): PendingAuthorization => ({
  id: r.id, clientId: r.client_id, orgId: r.org_id, redirectUri: r.redirect_uri, state: r.state, nonce: r.nonce, scope: r.scope, codeChallenge: r.code_challenge,
  samlRequestId: r.saml_request_id, bindingHash: r.binding_hash, createdAt: r.created_at, expiresAt: r.expires_at, memberId: r.member_id, authTime: r.auth_time, amr: r.amr === null ? null : (JSON.parse(r.amr) as string[]),
})
const codeOf = (r: Row<'oidc_authorization_codes'>): AuthorizationCode => ({
  codeHash: r.code_hash, clientId: r.client_id, orgId: r.org_id, memberId: r.member_id, redirectUri: r.redirect_uri, nonce: r.nonce, scope: r.scope,
  codeChallenge: r.code_challenge, sid: r.sid, authTime: r.auth_time, amr: JSON.parse(r.amr) as string[], createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at,
})
const accessTokenOf = (r: Row<'oidc_access_tokens'>): AccessTokenRecord => ({
  tokenHash: r.token_hash, clientId: r.client_id, orgId: r.org_id, memberId: r.member_id, codeHash: r.code_hash, scope: r.scope, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
})
const deliveryOf = (r: Row<'oidc_logout_deliveries'>): LogoutDelivery => ({
  id: r.id, orgId: r.org_id, clientId: r.client_id, memberId: r.member_id, sid: r.sid, eventId: r.event_id, url: r.url, status: r.status as LogoutDelivery['status'],
  attempts: Number(r.attempts), lastResponseCode: r.last_response_code === null ? null : Number(r.last_response_code), lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at, createdAt: r.created_at, updatedAt: r.updated_at,
})
const deliveryRow = (d: LogoutDelivery) => ({
  id: d.id, org_id: d.orgId, client_id: d.clientId, member_id: d.memberId, sid: d.sid, event_id: d.eventId, url: d.url, status: d.status, attempts: d.attempts,
  last_response_code: d.lastResponseCode, last_error: d.lastError, next_attempt_at: d.nextAttemptAt, created_at: d.createdAt, updated_at: d.updatedAt,
})
const domainOf = (r: Row<'oidc_org_domains'>): OrgDomain => ({
  id: r.id, orgId: r.org_id, domain: r.domain, verificationValue: r.verification_value, verifiedAt: r.verified_at, createdAt: r.created_at,
})
