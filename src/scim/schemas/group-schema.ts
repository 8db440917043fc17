import type { SchemaDefinition } from './attribute.js'
import { commonAttributes } from './common-attributes.js'
import { defineAttribute, stringAttribute } from './define-attribute.js'
import { GROUP_SCHEMA_ID } from './schema-ids.js'

/** RFC 7643 §4.2 and §8.7.1: the core Group schema plus the common attributes. */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA_ID,
  name: 'Group',
  description: 'Group',
  attributes: [
    ...commonAttributes('Group'),
    // RFC 7643 §4.2 says REQUIRED (the §8.7.1 JSON says false, an erratum); Entra matches groups by it and
    // expects it unique in the app (field guide §1.8).
    stringAttribute('displayName', 'A human-readable name for the Group. REQUIRED.', { required: true, uniqueness: 'server' }),
    defineAttribute('members', 'complex', 'A list of members of the Group. Roster groups hold users only: a group as a member is refused (400), and nested groups are not supported.', {
      multiValued: true,
      storedApart: true,
      subAttributes: [
        stringAttribute('value', 'The id of a User of the organization that is a member of this Group.', { mutability: 'immutable' }),
        // Kept because RFC 7643 defines it and Entra sends `"$ref": null` in member adds, which must validate.
        // Note: the Microsoft SCIM Validator was reported to complain when /Schemas declares members.$ref
        // (Microsoft Q&A 1457148); Entra itself does not read /Schemas for non-gallery apps.
        defineAttribute('$ref', 'reference', 'The URI of the User that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        stringAttribute('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'immutable' }),
        stringAttribute('type', "The type of the member: always 'User' (groups cannot be members).", {
          mutability: 'immutable',
          canonicalValues: ['User'],
        }),
      ],
    }),
  ],
}
