import type { DirectoryStore } from './store.js'
import type { Role } from './types.js'

/** A member as the CLI and console list them (the CLI's `member list --json` contract). */
export interface MemberSummary {
  id: string
  userName: string
  displayName: string | null
  email: string | null
  role: Role
  active: boolean
}

const PAGE = 1000

/** Every member of an organization in creation order, read a page at a time. */
export async function listMembers(store: DirectoryStore, orgId: string): Promise<MemberSummary[]> {
  const members: MemberSummary[] = []
  for (let startIndex = 1; ; startIndex += PAGE) {
    const page = await store.listUsers(orgId, { startIndex, count: PAGE })
    for (const user of page.items) {
      const email = user.emails.find((e) => e.primary) ?? user.emails.find((e) => e.type === 'work') ?? user.emails[0]
      members.push({
        id: user.id,
        userName: user.userName,
        displayName: user.displayName,
        email: email?.value ?? null,
        role: user.role,
        active: user.active,
      })
    }
    if (page.items.length < PAGE || startIndex + PAGE > page.totalResults) return members
  }
}
