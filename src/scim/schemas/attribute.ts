/** Attribute characteristics of RFC 7643 §2.2 and §7, as published by /Schemas. */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary'
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly'
export type Returned = 'always' | 'never' | 'default' | 'request'
export type Uniqueness = 'none' | 'server' | 'global'

export interface AttributeDefinition {
  /** Canonical spelling, e.g. `userName`; lookups compare case-insensitively. */
  name: string
  type: AttributeType
  multiValued: boolean
  description: string
  required: boolean
  caseExact: boolean
  mutability: Mutability
  returned: Returned
  uniqueness: Uniqueness
  canonicalValues?: string[]
  referenceTypes?: string[]
  subAttributes?: AttributeDefinition[]
  /** Stored outside the document (group members are rows), so the element limit of documents does not apply. Not published. */
  storedApart?: boolean
}

/** One schema (core or extension) of RFC 7643 §7. */
export interface SchemaDefinition {
  id: string
  name: string
  description: string
  attributes: AttributeDefinition[]
}

/** A resource type: its core schema plus extensions (RFC 7643 §6). */
export interface ResourceSchema {
  name: 'User' | 'Group'
  endpoint: string
  core: SchemaDefinition
  extensions: { schema: SchemaDefinition; required: boolean }[]
}
