import type { GroupMember } from '../../directory/types.js'
import { projectResource, type Projection } from '../../scim/projection.js'
import { groupResourceSchema } from '../../scim/schemas/resource-schemas.js'

/** Members fetched per keyset page: big enough to be few queries, small enough that memory stays flat. */
export const MEMBER_PAGE_SIZE = 1000

/** Fetches one keyset page of a group's members. */
export type MemberPageSource = (page: { afterUserId?: string; limit: number }) => Promise<GroupMember[]>

/** A member as SCIM shows it (RFC 7643 §4.2), already projected. */
export type WireMember = Record<string, unknown>

/** Turns a stored member into its projected wire form; undefined when the projection leaves nothing of it. */
export type MemberRenderer = (member: GroupMember) => WireMember | undefined

/** A page of members already rendered, and where the next page starts. */
export interface MemberPage {
  members: WireMember[]
  /** The last stored member id of the page (keyset cursor), even when the projection emptied that member. */
  lastUserId?: string
  hasMore: boolean
}

/**
 * A group ready to be written: the projected resource without members and, when the projection keeps members, where
 * to read them. `firstPage` is fetched ahead (before any byte is sent) when the caller can afford it.
 */
export interface GroupBody {
  resource: Record<string, unknown>
  members?: { source: MemberPageSource; firstPage?: MemberPage }
}

/**
 * The member renderer for a projection: which sub-attributes survive (`attributes=members.value`,
 * `excludedAttributes=members.display`) is decided once, by projecting a sample member, so that each of 100,000
 * members costs a few property copies rather than a projection pass.
 */
export function memberRenderer(baseUrl: string, projection: Projection): MemberRenderer {
  const sample = { value: 'v', display: 'd', $ref: 'r', type: 'User' }
  const projected = projectResource({ members: [sample] }, groupResourceSchema, projection)['members']
  const first = Array.isArray(projected) ? (projected[0] as Record<string, unknown> | undefined) : undefined
  const keep = new Set(Object.keys(first ?? {}))
  return (member) => {
    const wire: WireMember = {}
    if (keep.has('value')) wire.value = member.userId
    if (keep.has('display') && member.display !== null) wire.display = member.display
    if (keep.has('$ref')) wire.$ref = `${baseUrl}/Users/${member.userId}`
    if (keep.has('type')) wire.type = 'User'
    return Object.keys(wire).length ? wire : undefined
  }
}

/** Renders a page of members, skipping those the projection empties. */
export function renderMembers(members: readonly GroupMember[], render: MemberRenderer): WireMember[] {
  const wire: WireMember[] = []
  for (const member of members) {
    const rendered = render(member)
    if (rendered) wire.push(rendered)
  }
  return wire
}

/** Fetches and renders one keyset page of members. */
export async function loadMemberPage(source: MemberPageSource, render: MemberRenderer, afterUserId?: string): Promise<MemberPage> {
  const page = await source(afterUserId === undefined ? { limit: MEMBER_PAGE_SIZE } : { afterUserId, limit: MEMBER_PAGE_SIZE })
  const loaded: MemberPage = { members: renderMembers(page, render), hasMore: page.length === MEMBER_PAGE_SIZE }
  const last = page[page.length - 1]
  if (last) loaded.lastUserId = last.userId
  return loaded
}

/** True when the body can be sent as one plain object: no members, or all of them in the fetched first page. */
export const isComplete = (body: GroupBody): boolean =>
  !body.members || (body.members.firstPage !== undefined && !body.members.firstPage.hasMore)

/** The body as a plain object; only for complete bodies (see isComplete). */
export function toPlainObject(body: GroupBody): Record<string, unknown> {
  return body.members ? { ...body.resource, members: body.members.firstPage?.members ?? [] } : body.resource
}

/**
 * Writes a group as JSON text, members streamed page by page by keyset (`afterUserId`), so that a group of 100,000
 * members is never one array in memory (issue 3, item 5). Yields one chunk per page.
 */
export async function* groupJsonChunks(body: GroupBody, render: MemberRenderer): AsyncGenerator<string> {
  const resourceJson = JSON.stringify(body.resource)
  if (!body.members) {
    yield resourceJson
    return
  }
  // The resource always has `schemas` and `id`, so it is a non-empty object: reopen it and append `members`.
  yield `${resourceJson.slice(0, -1)},"members":[`
  const { source } = body.members
  let page = body.members.firstPage ?? (await loadMemberPage(source, render))
  let wroteAny = false
  for (;;) {
    if (page.members.length) {
      const text = page.members.map((member) => JSON.stringify(member)).join(',')
      yield wroteAny ? `,${text}` : text
      wroteAny = true
    }
    if (!page.hasMore || page.lastUserId === undefined) break
    page = await loadMemberPage(source, render, page.lastUserId)
  }
  yield ']}'
}

/**
 * Writes a ListResponse (RFC 7644 §3.4.2) whose groups stream their members. `envelope` is the list response built
 * with an empty `Resources`; the groups are written into it in order.
 */
export async function* listJsonChunks(
  envelope: Record<string, unknown>,
  bodies: readonly GroupBody[],
  render: MemberRenderer,
): AsyncGenerator<string> {
  const { Resources: _empty, ...rest } = envelope
  const head = JSON.stringify(rest)
  yield `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"Resources":[`
  let first = true
  for (const body of bodies) {
    if (!first) yield ','
    first = false
    yield* groupJsonChunks(body, render)
  }
  yield ']}'
}
