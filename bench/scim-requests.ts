import { randomUUID } from 'node:crypto'

/** The SCIM base path Entra is configured with (field guide §1.1). */
export const SCIM_BASE_PATH = '/org/scim/v2'

const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'

/** One HTTP request the bench sends; `body` is already JSON text. */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PATCH'
  path: string
  body?: string
}

/** A seeded user the scenarios pick from. */
export interface SeededUser {
  id: string
  userName: string
}

/** Entra URL-encodes filters with `+` for spaces: `filter=userName+eq+%22a%40b.com%22` (field guide §1.4). */
export function encodeFilter(filter: string): string {
  return encodeURIComponent(filter).replace(/%20/g, '+')
}

/** A SCIM string literal inside a filter (RFC 7644 §3.4.2.2 uses JSON string syntax). */
const quote = (value: string): string => JSON.stringify(value)

/** The create body Entra sends, after the literal in field guide §1.4. */
export function entraCreateUserBody(userName: string): Record<string, unknown> {
  const givenName = `Given${userName.length}`
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    externalId: randomUUID(),
    userName,
    active: true,
    displayName: `${givenName} Bench`,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${givenName} Bench`, familyName: 'Bench', givenName },
    roles: [],
  }
}

export const createUser = (userName: string): BenchRequest => ({
  method: 'POST',
  path: `${SCIM_BASE_PATH}/Users`,
  body: JSON.stringify(entraCreateUserBody(userName)),
})

export const findUserByUserName = (userName: string): BenchRequest => ({
  method: 'GET',
  path: `${SCIM_BASE_PATH}/Users?filter=${encodeFilter(`userName eq ${quote(userName)}`)}`,
})

/** Test Connection: a lookup of a random GUID that must answer an empty list (field guide §1.2). */
export const testConnectionProbe = (): BenchRequest => findUserByUserName(randomUUID())

export const getUser = (id: string): BenchRequest => ({ method: 'GET', path: `${SCIM_BASE_PATH}/Users/${id}` })

const patch = (path: string, operations: unknown[]): BenchRequest => ({
  method: 'PATCH',
  path,
  body: JSON.stringify({ schemas: [PATCH_OP_SCHEMA], Operations: operations }),
})

/** An attribute update in Entra's default (no-flag) shape: capitalised op, one path per op (§1.5). */
export const replaceUserNames = (id: string, suffix: string): BenchRequest =>
  patch(`${SCIM_BASE_PATH}/Users/${id}`, [
    { op: 'Replace', path: 'displayName', value: `Renamed ${suffix}` },
    { op: 'Replace', path: 'name.givenName', value: `Given ${suffix}` },
  ])

/** Disable / re-enable as Entra sends it: `active` as the string "False" / "True" (§1.6). */
export const setUserActive = (id: string, active: boolean): BenchRequest =>
  patch(`${SCIM_BASE_PATH}/Users/${id}`, [{ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }])

/** The group create body Entra sends: no members, plus Microsoft's extra schema URI (§1.8). */
export const createGroup = (displayName: string): BenchRequest => ({
  method: 'POST',
  path: `${SCIM_BASE_PATH}/Groups`,
  body: JSON.stringify({
    schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
    externalId: randomUUID(),
    displayName,
    meta: { resourceType: 'Group' },
  }),
})

/** Entra's member add: `{"op":"Add","path":"members","value":[{"value":…}]}` → 204 (§1.8). */
export const addGroupMembers = (groupId: string, userIds: readonly string[]): BenchRequest =>
  patch(`${SCIM_BASE_PATH}/Groups/${groupId}`, [{ op: 'Add', path: 'members', value: userIds.map((value) => ({ value })) }])

export const findGroupByDisplayName = (displayName: string): BenchRequest => ({
  method: 'GET',
  path: `${SCIM_BASE_PATH}/Groups?filter=${encodeFilter(`displayName eq ${quote(displayName)}`)}&excludedAttributes=members`,
})

/** The membership check: does group g contain user u (RFC 7644 §3.4.2.2 valuePath filter). */
export const checkGroupMembership = (groupId: string, userId: string): BenchRequest => ({
  method: 'GET',
  path: `${SCIM_BASE_PATH}/Groups?filter=${encodeFilter(`id eq ${quote(groupId)} and members[value eq ${quote(userId)}]`)}&excludedAttributes=members`,
})

/** Entra reads groups by id without members (§1.8); must not load the member list. */
export const getGroupWithoutMembers = (groupId: string): BenchRequest => ({
  method: 'GET',
  path: `${SCIM_BASE_PATH}/Groups/${groupId}?excludedAttributes=members`,
})
