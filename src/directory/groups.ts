import { appendEvents } from '../events/outbox.js'
import { isoNow } from '../lib/iso-time.js'
import type { Clock } from '../lib/clock.js'
import { newId } from '../lib/ids.js'
import { ScimError } from '../scim/errors.js'
import { applyPatch } from '../scim/patch/apply-patch.js'
import { parsePatchRequest, type PatchOperation } from '../scim/patch/parse-patch-request.js'
import { coerceResource } from '../scim/schemas/coerce-resource.js'
import { groupResourceSchema } from '../scim/schemas/resource-schemas.js'
import { groupDeletedEvent, groupWriteEvents } from './group-events.js'
import { memberIdsOf, planGroupPatch, type MembershipChange } from './group-member-changes.js'
import { applyMembershipChanges, assertUsersOfOrganization, idsToAdd } from './group-membership-writes.js'
import type { DirectoryStore } from './store.js'
import type { DirectoryGroup, GroupMember, ListPage, ListQuery, ScimDocument } from './types.js'
import { checkPrecondition, type VersionPrecondition } from './version-precondition.js'
import type { WriteObserver } from './write-observer.js'

export interface GroupDirectoryOptions {
  maxPatchOperations: number
  clock: Clock
  /** Told about accepted-but-ignored input (unknown attributes), for the provisioning log. */
  onIgnored?: (orgId: string, groupId: string | undefined, notes: string[]) => void
}

/**
 * The organization's provisioned groups (RFC 7643 §4.2) and their memberships. The stored document never holds
 * `members`: membership lives in the store's member rows, changed in SQL per listed member, so a write costs the same
 * for a group of 10 as for a group of 100,000 (issue 3, item 5). Every write runs in one transaction.
 */
export class GroupDirectory {
  readonly #store: DirectoryStore
  readonly #options: GroupDirectoryOptions

  constructor(store: DirectoryStore, options: GroupDirectoryOptions) {
    this.#store = store
    this.#options = options
  }

  /** POST: members, if any, must all be users of the organization, or nothing is created (400 invalidValue). */
  async create(orgId: string, body: unknown, observer?: WriteObserver): Promise<DirectoryGroup> {
    const { document, ignored } = coerceResource(body, groupResourceSchema)
    const { members, rest } = takeMembers(document)
    const userIds = members === undefined ? [] : memberIdsOf(members, 'members')
    const now = this.#now()
    const group = buildGroup(orgId, newId('grp'), rest, 1, now, now)
    await this.#store.transaction(async (tx) => {
      await assertUsersOfOrganization(tx, orgId, userIds)
      await tx.insertGroup(group)
      const delta = await applyMembershipChanges(tx, orgId, group.id, [{ kind: 'add', userIds }])
      await appendEvents(tx, this.#options.clock, orgId, groupWriteEvents('created', group, delta))
    })
    this.#noteIgnored(orgId, group.id, ignored, observer)
    observer?.changed({
      resourceType: 'Group', resourceId: group.id, name: group.displayName, before: null, after: group.document,
      membership: userIds.length ? [{ kind: 'add', userIds }] : [],
    })
    return group
  }

  async get(orgId: string, id: string): Promise<DirectoryGroup> {
    return (await this.#store.findGroup(orgId, id)) ?? notFound(id)
  }

  /** PUT (RFC 7644 §3.5.1): replaces displayName, externalId and the whole membership set (absent members: none). */
  async replace(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<DirectoryGroup> {
    const { document, ignored } = coerceResource(body, groupResourceSchema)
    const { members, rest } = takeMembers(document)
    const userIds = members === undefined ? [] : memberIdsOf(members, 'members')
    let before: DirectoryGroup | undefined
    const saved = await this.#store.transaction(async (tx) => {
      const current = (await tx.findGroup(orgId, id, { forUpdate: true })) ?? notFound(id)
      before = current
      checkPrecondition('Group', current, precondition)
      await assertUsersOfOrganization(tx, orgId, userIds)
      const next = buildGroup(orgId, id, rest, current.version + 1, current.createdAt, this.#now())
      await tx.updateGroup(next)
      const delta = await applyMembershipChanges(tx, orgId, id, [{ kind: 'replace', userIds }])
      await appendEvents(tx, this.#options.clock, orgId, groupWriteEvents('updated', next, delta))
      return next
    })
    this.#noteIgnored(orgId, id, ignored, observer)
    reportUpdate(observer, before, saved, [{ kind: 'replace', userIds }])
    return saved
  }

  /**
   * PATCH (RFC 7644 §3.5.2), all operations or none. The group row is locked for the whole transaction, so
   * concurrent PATCHes of one group (Entra sends membership batches) apply one after the other and lose nothing.
   */
  async patch(orgId: string, id: string, body: unknown, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<DirectoryGroup> {
    const operations = parsePatchRequest(body, { maxOperations: this.#options.maxPatchOperations })
    const { membership, documentOperations } = planGroupPatch(operations)
    const notes: string[] = []
    let before: DirectoryGroup | undefined
    const saved = await this.#store.transaction(async (tx) => {
      const current = (await tx.findGroup(orgId, id, { forUpdate: true })) ?? notFound(id)
      before = current
      checkPrecondition('Group', current, precondition)
      await assertUsersOfOrganization(tx, orgId, idsToAdd(membership))
      const document = this.#patchDocument(current, documentOperations, notes)
      if (document === current.document && !changesMembership(membership)) return current
      const next = buildGroup(orgId, id, document, current.version + 1, current.createdAt, this.#now())
      await tx.updateGroup(next)
      const delta = await applyMembershipChanges(tx, orgId, id, membership)
      const kind = document === current.document ? 'unchanged' : 'updated'
      await appendEvents(tx, this.#options.clock, orgId, groupWriteEvents(kind, next, delta))
      return next
    })
    this.#noteIgnored(orgId, id, notes, observer)
    reportUpdate(observer, before, saved, membership)
    return saved
  }

  async delete(orgId: string, id: string, precondition?: VersionPrecondition, observer?: WriteObserver): Promise<void> {
    const deleted = await this.#store.transaction(async (tx) => {
      const current = (await tx.findGroup(orgId, id, { forUpdate: true })) ?? notFound(id)
      checkPrecondition('Group', current, precondition)
      if (!(await tx.deleteGroup(orgId, id))) notFound(id)
      await appendEvents(tx, this.#options.clock, orgId, [groupDeletedEvent(current)])
      return current
    })
    observer?.changed({ resourceType: 'Group', resourceId: id, name: deleted.displayName, before: deleted.document, after: null })
  }

  list(orgId: string, query: ListQuery): Promise<ListPage<DirectoryGroup>> {
    return this.#store.listGroups(orgId, query)
  }

  /** Groups in id order after `afterId` (the API's cursor paging). */
  page(orgId: string, page: { afterId?: string; limit: number }): Promise<DirectoryGroup[]> {
    return this.#store.pageGroups(orgId, page)
  }

  /** One keyset page of a group's members, in stable order; page after page streams a group of any size. */
  members(orgId: string, groupId: string, page: { afterUserId?: string; limit: number }): Promise<GroupMember[]> {
    return this.#store.listGroupMembers(orgId, groupId, page)
  }

  /** The patched document, or `current.document` itself when the operations changed nothing. */
  #patchDocument(current: DirectoryGroup, operations: PatchOperation[], notes: string[]): ScimDocument {
    if (!operations.length) return current.document
    const result = applyPatch(current.document, operations, groupResourceSchema)
    notes.push(...result.ignored)
    if (!result.changed) return current.document
    const { members, rest } = takeMembers(result.document)
    if (members !== undefined) notes.push('members in the patched document were dropped; membership changes go through path "members".')
    return rest
  }

  #now(): string {
    return isoNow(this.#options.clock)
  }

  #noteIgnored(orgId: string, groupId: string, notes: string[], observer: WriteObserver | undefined): void {
    if (!notes.length) return
    this.#options.onIgnored?.(orgId, groupId, notes)
    observer?.ignored(notes)
  }
}

/** Reports a committed replace or patch; an unchanged group (same version) is no change. */
function reportUpdate(observer: WriteObserver | undefined, before: DirectoryGroup | undefined, after: DirectoryGroup, membership: MembershipChange[]): void {
  if (!observer || !before || before.version === after.version) return
  observer.changed({ resourceType: 'Group', resourceId: after.id, name: after.displayName, before: before.document, after: after.document, membership })
}

/** Any membership change counts as a change (the version moves) even if it turns out to re-add a present member. */
const changesMembership = (changes: readonly MembershipChange[]): boolean =>
  changes.some((change) => change.kind === 'removeAll' || change.kind === 'replace' || change.userIds.length > 0)

/** Splits `members` off a coerced document: membership is stored as rows, never in the document. */
function takeMembers(document: ScimDocument): { members: unknown; rest: ScimDocument } {
  const { members, ...rest } = document
  return { members, rest }
}

function buildGroup(
  orgId: string,
  id: string,
  document: ScimDocument,
  version: number,
  createdAt: string,
  updatedAt: string,
): DirectoryGroup {
  const displayName = document['displayName']
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw ScimError.invalidValue('displayName is required and cannot be empty; Entra matches groups by it.')
  }
  const externalId = typeof document['externalId'] === 'string' ? document['externalId'] : null
  return { id, orgId, displayName, externalId, document, version, createdAt, updatedAt }
}

function notFound(id: string): never {
  throw ScimError.notFound(`Group "${id}" not found in this organization.`)
}
