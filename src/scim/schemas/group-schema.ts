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
    defineAttribute('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      storedApart: true,
      subAttributes: [
        stringAttribute('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        // Kept because RFC 7643 defines it and Entra sends `"$ref": null` in member adds, which must validate.
        // Note: the Microsoft SCIM Validator was reported to complain when /Schemas declares members.$ref
        // (Microsoft Q&A 1457148); Entra itself does not read /Schemas for non-gallery apps.
        defineAttribute('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        stringAttribute('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'immutable' }),
        stringAttribute('type', "A label indicating the type of resource, e.g., 'User' or 'Group'.", {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
    }),
  ],
}
