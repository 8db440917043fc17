import type { Clock } from '../../lib/clock.js'
import { DomainError } from '../../lib/domain-error.js'
import type { RoleManagement } from '../../orgs/types.js'
import { memberChangesOf, recordChanges, type Actor, type DirectoryChange, type DirectoryChangeHook } from '../member-changes.js'
import type { DirectoryStore } from '../store.js'
import { parseRoleManagement } from './role-management.js'

/** What switching an organization's role management does (or, for a preview, would do). */
export interface RoleManagementSwitch {
  from: RoleManagement
  to: RoleManagement
  /** Members whose role becomes their directory role: only when switching platform → scim. */
  membersChanged: number
}

/** Members re-applied per statement while switching: bounds memory and statement size for any organization. */
const SWITCH_BATCH = 500

export interface RoleManagementSettingsOptions {
  clock: Clock
  onMemberChange?: DirectoryChangeHook
}

/**
 * The organization setting Organization settings → Members → Role management: `scim` (the identity provider owns
 * roles, the default) or `platform` (admins set roles in Roster; SCIM's role is kept as the directory role).
 */
export class RoleManagementSettings {
  readonly #store: DirectoryStore
  readonly #options: RoleManagementSettingsOptions

  constructor(store: DirectoryStore, options: RoleManagementSettingsOptions) {
    this.#store = store
    this.#options = options
  }

  async get(orgId: string): Promise<RoleManagement> {
    return (await this.#store.findRoleManagement(orgId)) ?? organizationNotFound(orgId)
  }

  /** What `set(orgId, to)` would change now, for the console's confirmation ("12 members will get their directory role"). */
  async preview(orgId: string, to: RoleManagement | string): Promise<RoleManagementSwitch> {
    const target = parseRoleManagement(to)
    const from = await this.get(orgId)
    const membersChanged = from === 'platform' && target === 'scim' ? await this.#store.countDirectoryRoleDrift(orgId) : 0
    return { from, to: target, membersChanged }
  }

  /**
   * Sets the mode. platform → scim sets every member's role to its directory role (members without one keep theirs),
   * in the same transaction as the setting, as one change; scim → platform changes no role. Setting the current mode
   * changes nothing.
   */
  async set(orgId: string, to: RoleManagement | string, actor: Actor): Promise<RoleManagementSwitch> {
    const target = parseRoleManagement(to)
    return this.#store.transaction(async (tx) => {
      // Locks the organization's row: role changes by admins wait for the switch (Members.changeMemberRole).
      const from = (await tx.findRoleManagement(orgId, { lock: 'update' })) ?? organizationNotFound(orgId)
      if (from === target) return { from, to: target, membersChanged: 0 }
      await tx.setRoleManagement(orgId, target)
      let membersChanged = 0
      if (target === 'scim') {
        const at = this.#options.clock.now().toISOString()
        for (let after: string | undefined; ; ) {
          const page = await tx.listDirectoryRoleDrift(orgId, { limit: SWITCH_BATCH, ...(after === undefined ? {} : { after }) })
          if (!page.items.length) break
          membersChanged += await tx.applyDirectoryRoles(orgId, page.items.map((user) => user.id), at)
          // Recorded a batch at a time, so that memory stays bounded however many members change.
          const changes = page.items.flatMap((user) =>
            memberChangesOf(orgId, user, { ...user, role: user.directoryRole!, version: user.version + 1, updatedAt: at }, actor))
          await recordChanges(tx, this.#options.onMemberChange, changes)
          if (page.next === null) break
          after = page.next
        }
      }
      const switched: DirectoryChange = { type: 'organization.role_management_changed', orgId, from, to: target, membersChanged, actor }
      await recordChanges(tx, this.#options.onMemberChange, [switched])
      return { from, to: target, membersChanged }
    })
  }
}

function organizationNotFound(id: string): never {
  throw new DomainError('not_found', `No organization has the id "${id}".`)
}
