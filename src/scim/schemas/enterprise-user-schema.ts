import type { SchemaDefinition } from './attribute.js'
import { defineAttribute, stringAttribute } from './define-attribute.js'
import { ENTERPRISE_USER_SCHEMA_ID } from './schema-ids.js'

/**
 * RFC 7643 §4.3 and §8.7.1: the enterprise User extension. Entra sends `manager` as a bare id string;
 * coercion turns that into `{ value }` (go-scim#75, SCIM-SDK#686).
 */
export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA_ID,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    stringAttribute('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.'),
    stringAttribute('costCenter', 'Identifies the name of a cost center.'),
    stringAttribute('organization', 'Identifies the name of an organization.'),
    stringAttribute('division', 'Identifies the name of a division.'),
    stringAttribute('department', 'Identifies the name of a department.'),
    defineAttribute('manager', 'complex', "The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.", {
      subAttributes: [
        stringAttribute('value', 'The id of the SCIM resource representing the User\'s manager.'),
        defineAttribute('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", { referenceTypes: ['User'] }),
        stringAttribute('displayName', "The displayName of the User's manager.", { mutability: 'readOnly' }),
      ],
    }),
  ],
}
