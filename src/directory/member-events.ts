import { appendEvents } from '../events/outbox.js'
import type { NewEvent } from '../events/types.js'
import type { Clock } from '../lib/clock.js'
import type { Actor, DirectoryChange, DirectoryChangeHook, MemberChange } from './member-changes.js'
import { changedMemberFields, memberResource } from './member-resource.js'
import type { DirectoryStore } from './store.js'

/** Why a member's role changed, as `member.role_changed` reports it. */
export type RoleChangeReason = 'scim' | 'admin' | 'mode_switch'

/** The actor as events carry it: who (api key, console member, CLI, SCIM) made the change. */
export const actorJson = (actor: Actor) => ({ kind: actor.kind, id: actor.id })

function memberEvent(change: MemberChange, why: RoleChangeReason | undefined): NewEvent {
  const resource = memberResource(change.member)
  switch (change.type) {
    case 'member.updated':
      return { type: change.type, data: { ...resource, changedFields: change.previous ? changedMemberFields(change.previous, change.member) : [] } }
    case 'member.role_changed':
      return {
        type: change.type,
        data: {
          ...resource,
          roleChange: {
            from: change.previous?.role ?? null,
            to: change.member.role,
            why: why ?? (change.actor.kind === 'scim' ? 'scim' : 'admin'),
            actor: actorJson(change.actor),
          },
        },
      }
    default:
      return { type: change.type, data: resource }
  }
}

/** The events of one batch of directory changes (member.* and organization.settings_changed). */
export function directoryChangeEvents(changes: readonly DirectoryChange[], why?: RoleChangeReason): NewEvent[] {
  return changes.map((change) => {
    if (change.type === 'organization.role_management_changed') {
      return {
        type: 'organization.settings_changed',
        data: {
          object: 'organization_settings',
          organization: change.orgId,
          roleManagement: change.to,
          changes: { roleManagement: { from: change.from, to: change.to } },
          membersChanged: change.membersChanged,
          actor: actorJson(change.actor),
        },
      }
    }
    return memberEvent(change, why)
  })
}

/**
 * The outbox's `onMemberChange`: appends the events of each change in the transaction of the change (a rolled-back
 * change emits nothing). The outbox wants ONE append per transaction, after the change's own writes (its counter locks
 * must be the last locks taken, or PostgreSQL can deadlock against a SCIM write). A mode switch records its changes a
 * batch at a time and ends with `organization.role_management_changed`, so for `mode_switch` the events are held
 * until that last change and appended once; every other operation records once per transaction already.
 */
export function memberEventsHook(clock: Clock, why?: RoleChangeReason): DirectoryChangeHook {
  const held = new WeakMap<DirectoryStore, NewEvent[]>()
  return async (tx, changes) => {
    const events = directoryChangeEvents(changes, why)
    if (why !== 'mode_switch') {
      await appendGrouped(tx, clock, changes, events)
      return
    }
    const pending = held.get(tx) ?? []
    pending.push(...events)
    if (changes.at(-1)?.type !== 'organization.role_management_changed') {
      held.set(tx, pending)
      return
    }
    held.delete(tx)
    await appendEvents(tx, clock, changes.at(-1)!.orgId, pending)
  }
}

/** Every change of one transaction belongs to one organization; grouped defensively all the same. */
async function appendGrouped(tx: DirectoryStore, clock: Clock, changes: readonly DirectoryChange[], events: NewEvent[]): Promise<void> {
  const byOrg = new Map<string, NewEvent[]>()
  changes.forEach((change, i) => byOrg.set(change.orgId, [...(byOrg.get(change.orgId) ?? []), events[i]!]))
  for (const [orgId, orgEvents] of byOrg) await appendEvents(tx, clock, orgId, orgEvents)
}
