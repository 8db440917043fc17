import type { AttributeDefinition } from './attribute.js'
import { defineAttribute, stringAttribute } from './define-attribute.js'

/**
 * The common attributes of every resource (RFC 7643 §3.1). RFC 7643 §3.1 allows schemas to list them;
 * we do, so that resolution, coercion and projection treat them like any other attribute.
 */
export function commonAttributes(resourceType: 'User' | 'Group'): AttributeDefinition[] {
  return [
    stringAttribute('id', `Unique identifier for the SCIM resource as defined by the service provider. Assigned by the service provider; not settable by clients.`, {
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
      uniqueness: 'server',
    }),
    stringAttribute('externalId', `A String that is an identifier for the resource as defined by the provisioning client (Entra sends the object id).`, {
      caseExact: true,
    }),
    defineAttribute('meta', 'complex', `A complex attribute containing resource metadata.`, {
      mutability: 'readOnly',
      subAttributes: [
        stringAttribute('resourceType', `The name of the resource type of the resource (${resourceType}).`, { caseExact: true, mutability: 'readOnly' }),
        defineAttribute('created', 'dateTime', 'The "DateTime" that the resource was added to the service provider.', { mutability: 'readOnly' }),
        defineAttribute('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated at the service provider.', { mutability: 'readOnly' }),
        defineAttribute('location', 'reference', 'The URI of the resource being returned.', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
        stringAttribute('version', 'The version (ETag) of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
      ],
    }),
  ]
}
