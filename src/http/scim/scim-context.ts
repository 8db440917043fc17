import type { OrgRateLimit } from './org-rate-limit.js'
import type { UserDirectory } from '../../directory/users.js'
import type { GroupDirectory } from '../../directory/groups.js'
import type { Clock } from '../../lib/clock.js'

/** What the SCIM routes need, handed over by the composition root (app.ts). */
export interface ScimContext {
  users: UserDirectory
  groups: GroupDirectory
  /** Absolute base of SCIM URLs (`meta.location`, `$ref`): PUBLIC_URL + /org/scim/v2. */
  baseUrl: string
  defaultPageSize: number
  maxPageSize: number
  maxBodyBytes: number
  maxPatchOperations: number
  /** The per-organization request budget (org-rate-limit.ts); none when absent. */
  rateLimit?: OrgRateLimit
  /** The time list cursors are issued and expire by (RFC 9865); the system clock when absent. */
  clock?: Clock
}
