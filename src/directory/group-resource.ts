import type { DirectoryGroup } from './types.js'

/**
 * A group as the host product sees it (the API and event payloads): the same fields in both places, so an event's
 * `data` is exactly what a GET returns after the change.
 */
export interface GroupResource {
  object: 'group'
  id: string
  organization: string
  displayName: string
  externalId: string | null
  createdAt: string
  updatedAt: string
}

export const groupResource = (group: DirectoryGroup): GroupResource => ({
  object: 'group',
  id: group.id,
  organization: group.orgId,
  displayName: group.displayName,
  externalId: group.externalId,
  createdAt: group.createdAt,
  updatedAt: group.updatedAt,
})
