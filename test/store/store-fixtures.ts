import { newId } from '../../src/lib/ids.js'
import type { DirectoryGroup, DirectoryUser, UserEmail } from '../../src/directory/types.js'
import { parseFilter } from '../../src/scim/filter/parse-filter.js'
import type { Store } from '../../src/store/store.js'

/** Shared builders of the store contract tests (not a test file itself). */

let clockTick = Date.parse('2025-01-01T00:00:00.000Z')
/** Strictly increasing ISO timestamps, one second apart, so meta-date filters have something to order. */
export const nextTimestamp = (): string => new Date((clockTick += 1000)).toISOString()

export async function createOrganization(store: Store, name = 'Acme'): Promise<string> {
  const id = newId('org')
  await store.insertOrganization({ id, name, roleManagement: 'scim', createdAt: nextTimestamp() })
  return id
}

export interface UserSpec {
  userName: string
  externalId?: string | null
  displayName?: string | null
  active?: boolean
  emails?: UserEmail[]
  /** Extra document attributes (title, name, extensions) for residual filters. */
  extra?: Record<string, unknown>
}

export function buildUser(orgId: string, spec: UserSpec): DirectoryUser {
  const at = nextTimestamp()
  const emails = spec.emails ?? []
  const document: Record<string, unknown> = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: spec.userName,
    active: spec.active ?? true,
    ...(spec.externalId ? { externalId: spec.externalId } : {}),
    ...(spec.displayName ? { displayName: spec.displayName } : {}),
    ...(emails.length > 0 ? { emails } : {}),
    ...spec.extra,
  }
  return {
    id: newId('usr'),
    orgId,
    userName: spec.userName,
    externalId: spec.externalId ?? null,
    displayName: spec.displayName ?? null,
    active: spec.active ?? true,
    role: 'INTERVIEWER',
    directoryRole: null,
    source: 'scim',
    lastProvisionedAt: at,
    emails,
    document,
    version: 1,
    createdAt: at,
    updatedAt: at,
  }
}

export async function createUser(store: Store, orgId: string, spec: UserSpec): Promise<DirectoryUser> {
  const user = buildUser(orgId, spec)
  await store.insertUser(user)
  return user
}

export function buildGroup(orgId: string, displayName: string, externalId: string | null = null): DirectoryGroup {
  const at = nextTimestamp()
  return {
    id: newId('grp'),
    orgId,
    displayName,
    externalId,
    document: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, ...(externalId ? { externalId } : {}) },
    version: 1,
    createdAt: at,
    updatedAt: at,
  }
}

export async function createGroup(store: Store, orgId: string, displayName: string, externalId: string | null = null): Promise<DirectoryGroup> {
  const group = buildGroup(orgId, displayName, externalId)
  await store.insertGroup(group)
  return group
}

/** userNames of the users a filter selects, in list order (all of them: count 1,000). */
export async function userNamesMatching(store: Store, orgId: string, filter: string): Promise<string[]> {
  const page = await store.listUsers(orgId, { filter: parseFilter(filter), startIndex: 1, count: 1000 })
  return page.items.map((user) => user.userName)
}

export async function groupNamesMatching(store: Store, orgId: string, filter: string): Promise<string[]> {
  const page = await store.listGroups(orgId, { filter: parseFilter(filter), startIndex: 1, count: 1000 })
  return page.items.map((group) => group.displayName)
}
