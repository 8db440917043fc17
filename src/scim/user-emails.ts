/** One entry of a User's `emails` (RFC 7643 §4.1.2), reduced to what Roster indexes. */
export interface EmailEntry {
  value: string
  type: string | null
  primary: boolean
}

/** The email addresses of a coerced User document, in document order; entries without a string value are skipped. */
export function emailsOfDocument(document: Record<string, unknown>): EmailEntry[] {
  const emails: EmailEntry[] = []
  if (!Array.isArray(document.emails)) return emails
  for (const element of document.emails) {
    if (!element || typeof element !== 'object') continue
    const email = element as Record<string, unknown>
    if (typeof email.value !== 'string' || email.value === '') continue
    emails.push({ value: email.value, type: typeof email.type === 'string' ? email.type : null, primary: email.primary === true })
  }
  return emails
}
