/**
 * Secrets never reach the provisioning log. Tokens travel only in the Authorization header, which the log never
 * reads; these guard what a body could carry by accident: attributes whose name says secret (SCIM's write-only
 * `password`, which Entra can send), and anything shaped like a Roster token or a JWT in any text.
 */
export const REDACTED = '[redacted]'

const SECRET_ATTRIBUTE = /(password|secret|token|credential|apikey|api_key)/i

/** `name` (any path segment) names a secret: its value is never logged. */
export const isSecretAttribute = (path: string): boolean => SECRET_ATTRIBUTE.test(path)

const TOKEN_SHAPES = [
  /scimtok_[0-9A-Za-z]{6,}[.][A-Za-z0-9_-]+/g,
  // A console login link's token (it travels in the URL fragment, but a pasted link may put it in a query).
  /login_[0-9a-z]{6,}[.][A-Za-z0-9_-]+/g,
  // A JWT: three base64url parts, the first starting with {" encoded.
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /\bbearer\s+\S+/gi,
  // OpenID Connect client secrets, authorization codes and access tokens (rcs_, rac_, rat_ + 256 random bits).
  /\br(?:cs|ac|at)_[A-Za-z0-9_-]{20,}/g,
]

/** Replaces token-shaped substrings; cheap enough for every string field of an entry. */
export function scrubText(text: string): string {
  if (!/scimtok_|login_|eyJ|bearer|r(?:cs|ac|at)_/i.test(text)) return text
  let out = text
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED)
  return out
}

/** `scrubText` over every string inside a JSON value. */
export function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value)
  if (Array.isArray(value)) return value.map(scrubValue)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[key] = isSecretAttribute(key) ? REDACTED : scrubValue(inner)
    return out
  }
  return value
}

/** `text` without NUL, which PostgreSQL's text cannot hold: one in any column made it refuse the whole batch. */
export const withoutNul = (text: string): string => (text.includes('\u0000') ? text.replace(/\u0000/g, '') : text)

/** Bounds a client-supplied string and removes what a database refuses (NUL) or a reader should not get (secrets). */
export function boundedText(text: string | undefined | null, max: number): string | null {
  if (text === undefined || text === null) return null
  const clean = scrubText(withoutNul(text))
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
