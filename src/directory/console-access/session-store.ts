import type { Role } from '../types.js'

/** A one-time console sign-in link as stored: the secret itself is never kept, only its SHA-256. */
export interface LoginLinkRecord {
  id: string
  orgId: string
  memberId: string
  secretHash: string
  createdAt: string
  expiresAt: string
  usedAt: string | null
}

/** A console session as stored. Ending a session deletes it. */
export interface ConsoleSessionRecord {
  id: string
  orgId: string
  memberId: string
  secretHash: string
  createdAt: string
  expiresAt: string
}

/** What the console's access check needs of a member, read together with the session or link (one indexed read). */
export interface MemberAccessFacts {
  active: boolean
  role: Role
}

/** A record with its member's access facts; `member` is undefined when the member no longer exists. */
export interface WithMember<T> {
  record: T
  member: MemberAccessFacts | undefined
}

/** What console sign-in needs from persistence. Implemented by `src/store/sessions-repo.ts`. */
export interface SessionStore {
  insertLoginLink(link: LoginLinkRecord): Promise<void>
  /** The link by id with its member's access facts, in one read. */
  findLoginLink(id: string): Promise<WithMember<LoginLinkRecord> | undefined>
  /** Marks the link used; false when it was used already (two redemptions racing: only one wins). */
  markLoginLinkUsed(id: string, at: string): Promise<boolean>

  insertConsoleSession(session: ConsoleSessionRecord): Promise<void>
  /** The session by id with its member's access facts, in one indexed read (primary keys of both tables). */
  findConsoleSession(id: string): Promise<WithMember<ConsoleSessionRecord> | undefined>
  deleteConsoleSession(id: string): Promise<void>
  /**
   * Ends a session because its member lost access, and remembers why: its expiry becomes its creation time, which no
   * session has otherwise (they last SESSION_TTL_MS), so every later check of it can still say "access ended".
   */
  endConsoleSessionForLostAccess(id: string): Promise<void>
  /** Deletes login links and sessions that expired before `before` (run at sign-in, which is rare and cheap). */
  deleteExpiredConsoleAccess(before: string): Promise<void>
}
