import { MODERNLOOP_USER_SCHEMA_ID } from '../scim/schemas/schema-ids.js'
import { emailsOfDocument } from '../scim/user-emails.js'
import type { Role, ScimDocument, UserEmail } from './types.js'

/** The fields of a user document that the store indexes and queries by. */
export interface IndexedUserFields {
  userName: string
  externalId: string | null
  displayName: string | null
  active: boolean
  emails: UserEmail[]
}

const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** Reads the indexed fields out of a coerced document (canonical attribute names). */
export function indexedUserFields(document: ScimDocument): IndexedUserFields {
  return {
    userName: asString(document.userName) ?? '',
    externalId: asString(document.externalId),
    displayName: asString(document.displayName),
    // RFC 7643 §4.1.1 leaves the default to the service; a user Entra creates without `active` is active.
    active: document.active !== false,
    emails: emailsOfDocument(document),
  }
}

/** The role as written in the document's modernloop extension, if any. */
export function documentRoleValue(document: ScimDocument): unknown {
  const extension = document[MODERNLOOP_USER_SCHEMA_ID]
  return extension && typeof extension === 'object' ? (extension as Record<string, unknown>).modernloopRole : undefined
}

/** A copy of the document whose modernloop extension holds `role`, so that GET shows the member's real role. */
export function withDocumentRole(document: ScimDocument, role: Role): ScimDocument {
  const extension = document[MODERNLOOP_USER_SCHEMA_ID]
  const next: ScimDocument = {
    ...document,
    [MODERNLOOP_USER_SCHEMA_ID]: { ...(extension && typeof extension === 'object' ? extension : {}), modernloopRole: role },
  }
  const schemas = Array.isArray(next.schemas) ? (next.schemas as unknown[]) : []
  if (!schemas.includes(MODERNLOOP_USER_SCHEMA_ID)) next.schemas = [...schemas, MODERNLOOP_USER_SCHEMA_ID]
  return next
}
