import type { SsoMemberInput } from '../../directory/sso-member.js'
import { ENTRA_CLAIMS, firstValue } from './entra-claims.js'
import type { VerifiedAssertion } from './verify-response.js'

/** NameID formats whose value names nobody outside the IdP (field guide §2.3): never a userName. */
const OPAQUE_NAMEID_FORMATS: ReadonlySet<string> = new Set([
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
])

/**
 * The member a just-in-time sign-in creates, from the verified assertion (Entra's claim names, field guide §2.2):
 *  - userName: the NameID (Entra's default is the UPN, as SCIM's userName is), unless its format is persistent or
 *    transient (an opaque pairwise id), then the `name` claim (the UPN), then the email claim;
 *  - externalId: the `objectidentifier` claim (so the next sign-in matches by it, even after a UPN change);
 *  - email, displayName, given and family name from their claims.
 * Every identifier presented (NameID, UPN, objectidentifier, email) is a tombstone key, an address both as a userName
 * and as an email. Undefined when the assertion names no usable userName.
 */
export function jitIdentity(verified: VerifiedAssertion): SsoMemberInput | undefined {
  const claim = (name: string) => firstValue(verified.attributes[name])?.normalize('NFC')
  const opaque = verified.nameIdFormat !== null && OPAQUE_NAMEID_FORMATS.has(verified.nameIdFormat)
  const nameId = opaque ? undefined : verified.nameId.trim().normalize('NFC') || undefined
  const upn = claim(ENTRA_CLAIMS.name)
  const email = claim(ENTRA_CLAIMS.email)
  const userName = nameId ?? upn ?? email
  if (userName === undefined) return undefined
  const objectId = claim(ENTRA_CLAIMS.objectId)
  const givenName = claim(ENTRA_CLAIMS.givenName)
  const familyName = claim(ENTRA_CLAIMS.surname)
  const displayName = claim(ENTRA_CLAIMS.displayName) ?? ([givenName, familyName].filter(Boolean).join(' ') || undefined)
  const names = unique([nameId, upn, userName])
  return {
    userName,
    ...(objectId ? { externalId: objectId } : {}),
    ...(email ? { email } : {}),
    ...(displayName ? { displayName } : {}),
    ...(givenName ? { givenName } : {}),
    ...(familyName ? { familyName } : {}),
    tombstoneKeys: {
      // The email claim too: a deleted member whose userName was this address (and who had no emails) is the same person.
      userNames: unique([...names, email]),
      externalIds: objectId ? [objectId] : [],
      // A deleted member's email may be the address this person signs in with: over-blocking is the safe side.
      emails: unique([email, ...names.filter((name) => name.includes('@'))]),
    },
  }
}

const unique = (values: (string | undefined)[]): string[] => [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))]
