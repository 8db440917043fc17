import type { Clock } from '../lib/clock.js'
import { GroupDirectory } from './groups.js'
import { memberEventsHook } from './member-events.js'
import { Members } from './members.js'
import { RoleManagementSettings } from './roles/role-management-settings.js'
import type { DirectoryStore } from './store.js'
import { UserDirectory } from './users.js'

export interface DirectoryServicesOptions {
  clock: Clock
  /** SCIM's PATCH bound (config MAX_PATCH_OPERATIONS); the CLI and tests may leave the default. */
  maxPatchOperations?: number
  onIgnored?: (orgId: string, id: string | undefined, notes: string[]) => void
}

export interface DirectoryServices {
  users: UserDirectory
  groups: GroupDirectory
  members: Members
  roleSettings: RoleManagementSettings
}

/**
 * THE way to build the directory's services (app, CLI, main's first start, tests): every member-changing service gets
 * the events outbox hook here, so none can be constructed without it and a member change never goes unannounced.
 */
export function directoryServices(store: DirectoryStore, options: DirectoryServicesOptions): DirectoryServices {
  const { clock, maxPatchOperations = 1000, onIgnored } = options
  const onMemberChange = memberEventsHook(clock)
  return {
    users: new UserDirectory(store, { maxPatchOperations, clock, onMemberChange, ...(onIgnored ? { onIgnored } : {}) }),
    groups: new GroupDirectory(store, { maxPatchOperations, clock, ...(onIgnored ? { onIgnored } : {}) }),
    members: new Members(store, { clock, onMemberChange }),
    roleSettings: new RoleManagementSettings(store, { clock, onMemberChange: memberEventsHook(clock, 'mode_switch') }),
  }
}
