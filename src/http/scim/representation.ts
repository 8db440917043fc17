import { scimRoleOf } from '../../directory/roles/role-management.js'
import type { DirectoryGroup, DirectoryUser, UserGroupRef } from '../../directory/types.js'
import { MODERNLOOP_USER_SCHEMA_ID } from '../../scim/schemas/schema-ids.js'

/** SCIM ETags are weak and carry the record's version (RFC 7644 §3.14). */
export const etagOf = (version: number): string => `W/"${version}"`

/**
 * The versions an If-Match (or If-None-Match) header names: `undefined` for `*` or no header; entity tags that are
 * not Roster's match nothing (RFC 7232 §3.1 lists are allowed: `W/"3", W/"4"`).
 */
export function parseEntityTags(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined
  const versions: number[] = []
  for (const tag of header.split(',')) {
    const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(tag)
    if (match) versions.push(Number(match[1]))
  }
  return versions
}

/** True when a GET's If-None-Match names the current version: the client's copy is current (RFC 7644 §3.14, 304). */
export function isNotModified(ifNoneMatch: string | string[] | undefined, version: number): boolean {
  if (typeof ifNoneMatch !== 'string') return false
  return ifNoneMatch.trim() === '*' || (parseEntityTags(ifNoneMatch)?.includes(version) ?? false)
}

/**
 * The wire form of a user: the stored document plus `id`, `meta`, the read-only `groups`, and `modernloopRole` both
 * in Roster's extension and top-level, because Entra reads a plain-named custom attribute back from the top level
 * and re-sends it every cycle when it does not find it (field guide §2.2, Q&A 1401197). The role shown is the
 * directory's (`scimRoleOf`), also in `platform` role management, so that Entra never sees a difference to re-send.
 */
export function toScimUser(user: DirectoryUser, groups: UserGroupRef[] | undefined, baseUrl: string): Record<string, unknown> {
  const { schemas, ...attributes } = user.document
  const resource: Record<string, unknown> = { schemas, id: user.id, ...attributes, modernloopRole: scimRoleOf(user) }
  if (groups && groups.length) {
    resource.groups = groups.map((g) => ({ value: g.groupId, $ref: `${baseUrl}/Groups/${g.groupId}`, display: g.displayName, type: 'direct' }))
  }
  resource.meta = {
    resourceType: 'User',
    created: user.createdAt,
    lastModified: user.updatedAt,
    location: `${baseUrl}/Users/${user.id}`,
    version: etagOf(user.version),
  }
  return resource
}

/** Keeps the top-level role only where the projection kept the extension's role (attributes=userName drops both). */
export function alignTopLevelRole(projected: Record<string, unknown>): Record<string, unknown> {
  const extension = projected[MODERNLOOP_USER_SCHEMA_ID]
  const kept = extension && typeof extension === 'object' && 'modernloopRole' in extension
  if (!kept && 'modernloopRole' in projected) {
    const { modernloopRole: _dropped, ...rest } = projected
    return rest
  }
  if (kept && !('modernloopRole' in projected)) {
    return { ...projected, modernloopRole: (extension as Record<string, unknown>).modernloopRole }
  }
  return projected
}

/** The wire form of a group without members (members are streamed separately, see the groups routes). */
export function toScimGroup(group: DirectoryGroup, baseUrl: string): Record<string, unknown> {
  const { schemas, ...attributes } = group.document
  return {
    schemas,
    id: group.id,
    ...attributes,
    meta: {
      resourceType: 'Group',
      created: group.createdAt,
      lastModified: group.updatedAt,
      location: `${baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  }
}
