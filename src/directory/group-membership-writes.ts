import { ScimError } from '../scim/errors.js'
import type { MembershipChange } from './group-member-changes.js'
import type { DirectoryStore } from './store.js'

/** Ids per store call: keeps every statement well under SQLite's and PostgreSQL's bound-parameter limits. */
const IDS_PER_CALL = 500
/** How many unknown ids an error detail lists before summarising the rest. */
const MAX_LISTED_IDS = 20

/** The ids that `changes` would add (adds and replaces), without duplicates. */
export function idsToAdd(changes: readonly MembershipChange[]): string[] {
  const ids = new Set<string>()
  for (const change of changes) {
    if (change.kind === 'add' || change.kind === 'replace') for (const id of change.userIds) ids.add(id)
  }
  return [...ids]
}

/**
 * Refuses ids that are not users of the organization (a user of another organization included): 400 invalidValue
 * listing them. Called before any write, so the request changes nothing (issue 3, item 3).
 */
export async function assertUsersOfOrganization(store: DirectoryStore, orgId: string, userIds: readonly string[]): Promise<void> {
  const unknown: string[] = []
  for (const chunk of chunks(userIds)) unknown.push(...(await store.findUnknownUserIds(orgId, chunk)))
  if (!unknown.length) return
  const listed = unknown.slice(0, MAX_LISTED_IDS).map((id) => JSON.stringify(id)).join(', ')
  const more = unknown.length > MAX_LISTED_IDS ? ` and ${unknown.length - MAX_LISTED_IDS} more` : ''
  const noun = unknown.length === 1 ? 'is not a user' : 'are not users'
  throw ScimError.invalidValue(
    `Member ${listed}${more} ${noun} of this organization; provision the users first. Nothing was changed.`,
  )
}

/** Who joined and who left, net of the whole request (added then removed again is neither). */
export interface MembershipDelta {
  added: string[]
  removed: string[]
}

/**
 * Applies membership changes in order, in SQL; each costs per listed member, never per existing member (a removal
 * of all members costs per removed member). Returns the net change, for the group's events.
 */
export async function applyMembershipChanges(
  store: DirectoryStore,
  orgId: string,
  groupId: string,
  changes: readonly MembershipChange[],
): Promise<MembershipDelta> {
  const added = new Set<string>()
  const removed = new Set<string>()
  const joined = (ids: string[]) => ids.forEach((id) => (removed.delete(id) ? undefined : added.add(id)))
  const left = (ids: string[]) => ids.forEach((id) => (added.delete(id) ? undefined : removed.add(id)))
  for (const change of changes) {
    switch (change.kind) {
      case 'add':
        for (const chunk of chunks(change.userIds)) joined(await store.addGroupMembers(orgId, groupId, chunk))
        break
      case 'remove':
        for (const chunk of chunks(change.userIds)) left(await store.removeGroupMembers(orgId, groupId, chunk))
        break
      case 'removeAll':
        left(await store.removeAllGroupMembers(orgId, groupId))
        break
      case 'replace':
        left(await store.removeAllGroupMembers(orgId, groupId))
        for (const chunk of chunks(change.userIds)) joined(await store.addGroupMembers(orgId, groupId, chunk))
        break
    }
  }
  return { added: [...added], removed: [...removed] }
}

function* chunks(ids: readonly string[]): Generator<string[]> {
  for (let start = 0; start < ids.length; start += IDS_PER_CALL) yield ids.slice(start, start + IDS_PER_CALL)
}
