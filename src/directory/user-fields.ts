import { emailsOfDocument } from '../scim/user-emails.js'
import type { ScimDocument, UserEmail } from './types.js'

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
