import { bodyField, describeAnswer, type ScimClient } from './scim-client.js'
import {
  addGroupMembers,
  checkGroupMembership,
  createGroup,
  findGroupByDisplayName,
  getGroupWithoutMembers,
  type BenchRequest,
  type SeededUser,
} from './scim-requests.js'
import { expectList, expectResource } from './sanity-checks.js'
import type { ScenarioDefinition } from './user-scenarios.js'
import { pickRandom } from './pick-random.js'

/** Issue 3: the big group is filled to min(N, 100,000) members in PATCHes of 1,000. */
export const MAX_BIG_GROUP_MEMBERS = 100_000
export const MEMBER_BATCH_SIZE = 1_000
const SMALL_GROUP_MEMBERS = 10
/** Extra empty groups so the displayName lookup does not always hit the same two rows. */
const LOOKUP_GROUP_COUNT = 100
const MEMBER_BATCH_TIMEOUT_MS = 30_000

/** How many batches at each end of the fill the growth figure compares (by their medians). */
export const EDGE_BATCHES = 5

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN
}

/** Timings of the sequential member-add PATCHes that filled the big group. */
export interface GroupFillResult {
  members: number
  batches: number
  firstBatchMs: number
  lastBatchMs: number
  /** Medians of the first and of the last few batches: one WAL checkpoint must not decide the growth figure. */
  firstBatchesMedianMs: number
  lastBatchesMedianMs: number
  medianBatchMs: number
  maxBatchMs: number
}

export interface PreparedGroups {
  fill: GroupFillResult
  bigGroupId: string
  smallGroupId: string
  bigGroupMembers: readonly SeededUser[]
  smallGroupMembers: readonly SeededUser[]
  displayNames: readonly string[]
}

async function createGroupOrThrow(client: ScimClient, displayName: string): Promise<string> {
  const request = createGroup(displayName)
  const answer = await client.send(request)
  const id = bodyField(answer, 'id')
  if (answer.status !== 201 || typeof id !== 'string') throw new Error(`creating group failed: ${describeAnswer(request, answer)}`)
  return id
}

async function addMembersOrThrow(client: ScimClient, groupId: string, members: readonly SeededUser[]): Promise<number> {
  const request = addGroupMembers(
    groupId,
    members.map((user) => user.id),
  )
  const answer = await client.send(request, MEMBER_BATCH_TIMEOUT_MS)
  if (answer.status !== 204 && answer.status !== 200) {
    throw new Error(`adding ${members.length} members failed: ${describeAnswer(request, answer)}`)
  }
  return answer.elapsedMs
}

/** Creates the big and the small group and the lookup groups, timing each big-group batch. */
export async function prepareGroups(client: ScimClient, users: readonly SeededUser[], runTag: string): Promise<PreparedGroups> {
  const bigName = `bench ${runTag} big`
  const smallName = `bench ${runTag} small`
  const bigGroupId = await createGroupOrThrow(client, bigName)
  const smallGroupId = await createGroupOrThrow(client, smallName)

  const bigGroupMembers = users.slice(0, Math.min(users.length, MAX_BIG_GROUP_MEMBERS))
  const batchTimes: number[] = []
  for (let start = 0; start < bigGroupMembers.length; start += MEMBER_BATCH_SIZE) {
    batchTimes.push(await addMembersOrThrow(client, bigGroupId, bigGroupMembers.slice(start, start + MEMBER_BATCH_SIZE)))
  }
  const smallGroupMembers = users.slice(0, SMALL_GROUP_MEMBERS)
  await addMembersOrThrow(client, smallGroupId, smallGroupMembers)

  const displayNames = [bigName, smallName]
  for (let index = 0; index < LOOKUP_GROUP_COUNT; index++) {
    const name = `bench ${runTag} group ${index}`
    await createGroupOrThrow(client, name)
    displayNames.push(name)
  }

  const sorted = [...batchTimes].sort((a, b) => a - b)
  return {
    fill: {
      members: bigGroupMembers.length,
      batches: batchTimes.length,
      firstBatchMs: batchTimes[0] ?? Number.NaN,
      lastBatchMs: batchTimes[batchTimes.length - 1] ?? Number.NaN,
      firstBatchesMedianMs: median(batchTimes.slice(0, EDGE_BATCHES)),
      lastBatchesMedianMs: median(batchTimes.slice(-EDGE_BATCHES)),
      medianBatchMs: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
      maxBatchMs: sorted[sorted.length - 1] ?? Number.NaN,
    },
    bigGroupId,
    smallGroupId,
    bigGroupMembers,
    smallGroupMembers,
    displayNames,
  }
}

function membershipScenario(name: string, label: string, groupId: string, members: readonly SeededUser[]): ScenarioDefinition {
  const sample = pickRandom(members)
  return {
    name,
    label,
    nextRequest: () => checkGroupMembership(groupId, pickRandom(members).id),
    sanityChecks: [{ request: checkGroupMembership(groupId, sample.id), expect: expectList(1, groupId) }],
  }
}

function getGroupScenario(name: string, label: string, groupId: string): ScenarioDefinition {
  const request: BenchRequest = getGroupWithoutMembers(groupId)
  return {
    name,
    label,
    nextRequest: () => request,
    sanityChecks: [{ request, expect: expectResource(groupId, 200, 'members') }],
  }
}

/** Membership check and GET-without-members for the big group next to the 10-member one, and lookup. */
export function groupScenarios(groups: PreparedGroups): ScenarioDefinition[] {
  const big = `${groups.fill.members}-member group`
  const small = `${groups.smallGroupMembers.length}-member group`
  const lookupSample = pickRandom(groups.displayNames)
  return [
    membershipScenario('membership-big', `id eq g and members[value eq u], ${big}`, groups.bigGroupId, groups.bigGroupMembers),
    membershipScenario('membership-small', `id eq g and members[value eq u], ${small}`, groups.smallGroupId, groups.smallGroupMembers),
    getGroupScenario('group-get-big', `GET /Groups/{id}?excludedAttributes=members, ${big}`, groups.bigGroupId),
    getGroupScenario('group-get-small', `GET /Groups/{id}?excludedAttributes=members, ${small}`, groups.smallGroupId),
    {
      name: 'group-lookup',
      label: `displayName eq <group> (${groups.displayNames.length} groups)`,
      nextRequest: () => findGroupByDisplayName(pickRandom(groups.displayNames)),
      sanityChecks: [{ request: findGroupByDisplayName(lookupSample), expect: expectList(1) }],
    },
  ]
}
