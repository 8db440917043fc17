/** RelayState is echoed by the IdP untouched; SAML bindings §3.4.3 caps it at 80 bytes. */
export const MAX_RELAY_STATE_BYTES = 80

/**
 * A RelayState Roster may follow: a path on Roster itself (`/…`), never a scheme, a host (`//evil`), a backslash
 * (browsers read `/\evil` as `//evil`), control characters or more than 80 bytes. Anything else is refused
 * (undefined): following it would make Roster an open redirect.
 */
export function safeRelayState(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  if (Buffer.byteLength(value, 'utf8') > MAX_RELAY_STATE_BYTES) return undefined
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes('\\')) return undefined
  try {
    // Resolving against a placeholder origin must keep the origin: catches anything the pattern missed.
    const resolved = new URL(value, 'https://roster.invalid')
    return resolved.origin === 'https://roster.invalid' ? value : undefined
  } catch {
    return undefined
  }
}
