import type { SchemaDefinition } from './attribute.js'
import { commonAttributes } from './common-attributes.js'
import { defineAttribute, multiValuedAttribute, stringAttribute } from './define-attribute.js'
import { USER_SCHEMA_ID } from './schema-ids.js'

const nameAttribute = defineAttribute('name', 'complex', "The components of the user's real name.", {
  subAttributes: [
    stringAttribute('formatted', "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
    stringAttribute('familyName', 'The family name of the User, or last name in most Western languages.'),
    stringAttribute('givenName', 'The given name of the User, or first name in most Western languages.'),
    stringAttribute('middleName', 'The middle name(s) of the User.'),
    stringAttribute('honorificPrefix', "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.')."),
    stringAttribute('honorificSuffix', "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III')."),
  ],
})

const addressesAttribute = defineAttribute('addresses', 'complex', 'A physical mailing address for this User.', {
  multiValued: true,
  subAttributes: [
    stringAttribute('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
    stringAttribute('streetAddress', 'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.'),
    stringAttribute('locality', 'The city or locality component.'),
    stringAttribute('region', 'The state or region component.'),
    stringAttribute('postalCode', 'The zip code or postal code component.'),
    stringAttribute('country', 'The country name component.'),
    stringAttribute('type', "A label indicating the attribute's function, e.g., 'work' or 'home'.", { canonicalValues: ['work', 'home', 'other'] }),
    // RFC 7643 §8.7.1 omits `primary` here, but §2.4 gives every multi-valued attribute one and Entra maps it.
    defineAttribute('primary', 'boolean', "A Boolean value indicating the 'primary' or preferred address."),
  ],
})

/** Read-only: derived from Group memberships (RFC 7643 §4.1.2), never written by clients. */
const groupsAttribute = defineAttribute('groups', 'complex', 'A list of groups to which the user belongs; Roster has direct memberships only (no nested groups).', {
  multiValued: true,
  mutability: 'readOnly',
  subAttributes: [
    stringAttribute('value', "The identifier of the User's group.", { mutability: 'readOnly' }),
    defineAttribute('$ref', 'reference', "The URI of the corresponding 'Group' resource to which the user belongs.", {
      mutability: 'readOnly',
      referenceTypes: ['Group'],
    }),
    stringAttribute('display', "A human-readable name, primarily used for display purposes.", { mutability: 'readOnly' }),
    stringAttribute('type', "How the user belongs to the group: always 'direct' (Roster has no nested groups).", {
      mutability: 'readOnly',
      canonicalValues: ['direct'],
    }),
  ],
})

/** RFC 7643 §4.1 and §8.7.1: the core User schema with every attribute and sub-attribute, plus the common attributes. */
export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA_ID,
  name: 'User',
  description: 'User Account',
  attributes: [
    ...commonAttributes('User'),
    stringAttribute('userName', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Entra maps userPrincipalName here. REQUIRED.', {
      required: true,
      uniqueness: 'server',
    }),
    nameAttribute,
    stringAttribute('displayName', 'The name of the User, suitable for display to end-users.'),
    stringAttribute('nickName', 'The casual way to address the user in real life.'),
    defineAttribute('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", { referenceTypes: ['external'] }),
    stringAttribute('title', "The user's title, such as \"Vice President\"."),
    stringAttribute('userType', 'Used to identify the relationship between the organization and the user, e.g., Contractor, Employee, Intern.'),
    stringAttribute('preferredLanguage', "Indicates the User's preferred written or spoken language, e.g., 'en-US'."),
    stringAttribute('locale', "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
    stringAttribute('timezone', "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
    defineAttribute('active', 'boolean', "A Boolean value indicating the User's administrative status. Entra sets it false to soft-delete a user."),
    // Roster never authenticates users with it; coercion discards it so that no secret is stored.
    stringAttribute('password', "The User's cleartext password. Write-only; never returned.", { mutability: 'writeOnly', returned: 'never' }),
    multiValuedAttribute('emails', 'Email addresses for the user.', stringAttribute('value', "Email address for the User, e.g., 'bjensen@example.com'."), 'email address', ['work', 'home', 'other']),
    multiValuedAttribute('phoneNumbers', 'Phone numbers for the User.', stringAttribute('value', "Phone number of the User, e.g., 'tel:+1-201-555-0123'."), 'phone number', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValuedAttribute('ims', 'Instant messaging addresses for the User.', stringAttribute('value', 'Instant messaging address for the User.'), 'instant messaging address', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValuedAttribute('photos', 'URLs of photos of the User.', defineAttribute('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }), 'photo', ['photo', 'thumbnail']),
    addressesAttribute,
    groupsAttribute,
    multiValuedAttribute('entitlements', 'A list of entitlements for the User that represent a thing the User has.', stringAttribute('value', 'The value of an entitlement.'), 'entitlement', []),
    multiValuedAttribute('roles', "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.", stringAttribute('value', 'The value of a role.'), 'role', []),
    multiValuedAttribute('x509Certificates', 'A list of certificates issued to the User.', defineAttribute('value', 'binary', 'The value of an X.509 certificate.'), 'X.509 certificate', []),
  ],
}
