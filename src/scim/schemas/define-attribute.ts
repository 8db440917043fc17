import type { AttributeDefinition, AttributeType } from './attribute.js'

type AttributeOverrides = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>

/**
 * An attribute definition with the RFC 7643 §2.2 defaults (single-valued, optional, caseExact false,
 * readWrite, returned default, uniqueness none), so schema files list only what differs.
 */
export function defineAttribute(
  name: string,
  type: AttributeType,
  description: string,
  overrides: AttributeOverrides = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  }
}

/** A plain string attribute (the most common case). */
export const stringAttribute = (name: string, description: string, overrides: AttributeOverrides = {}): AttributeDefinition =>
  defineAttribute(name, 'string', description, overrides)

/**
 * The standard sub-attributes of a multi-valued attribute (RFC 7643 §2.4): value, display, type, primary.
 * `value` is passed in because its type differs (string, reference, binary).
 */
export function multiValuedSubAttributes(value: AttributeDefinition, what: string, types: string[]): AttributeDefinition[] {
  return [
    value,
    stringAttribute('display', `A human-readable name for the ${what}, primarily used for display purposes.`),
    stringAttribute('type', `A label indicating the ${what}'s function.`, types.length > 0 ? { canonicalValues: types } : {}),
    defineAttribute('primary', 'boolean', `A Boolean value indicating the 'primary' or preferred ${what}.`),
  ]
}

/** A multi-valued complex attribute with the standard sub-attributes (emails, phoneNumbers, ims, ...). */
export function multiValuedAttribute(
  name: string,
  description: string,
  value: AttributeDefinition,
  what: string,
  types: string[],
): AttributeDefinition {
  return defineAttribute(name, 'complex', description, {
    multiValued: true,
    subAttributes: multiValuedSubAttributes(value, what, types),
  })
}
