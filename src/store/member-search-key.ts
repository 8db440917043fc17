import { emailsOfDocument } from '../scim/user-emails.js'
import { textKey } from './text-key.js'

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined)

/**
 * The text a member search matches (users.search_key): userName, displayName, the name parts and every email,
 * each as its comparison key (NFC, lower-cased in JS so both engines agree), one per line so that a query never
 * matches across two fields. Kept in step on every write; unindexed, so it costs no index page.
 */
export function searchKeyOf(document: Record<string, unknown>): string {
  const name = document.name && typeof document.name === 'object' ? (document.name as Record<string, unknown>) : {}
  const parts = [document.userName, document.displayName, name.givenName, name.familyName, name.formatted]
    .map(text)
    .concat(emailsOfDocument(document).map((email) => email.value))
    .filter((part): part is string => part !== undefined)
  return parts.map((part) => textKey(part).replace(/\n/g, ' ')).join('\n')
}
