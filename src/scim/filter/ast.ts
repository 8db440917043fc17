/**
 * The filter AST of RFC 7644 §3.4.2.2. Attribute names and schema URNs are stored lower-cased
 * (SCIM attribute names are case-insensitive, RFC 7643 §2.1); `raw` keeps what the client wrote
 * for error messages.
 */

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le'

export type FilterValue = string | number | boolean | null

/** `urn:...:User:name.givenName` → { schema: 'urn:...:user', attribute: 'name', subAttribute: 'givenname' } */
export interface AttributePath {
  /** Lower-cased schema URN when the client qualified the attribute, e.g. the enterprise extension. */
  schema?: string
  /** Lower-cased top-level attribute name. */
  attribute: string
  /** Lower-cased sub-attribute name (`name.givenName`, `emails.value`). */
  subAttribute?: string
  /** The text as written, for error messages. */
  raw: string
}

export type FilterNode =
  | { kind: 'compare'; path: AttributePath; operator: CompareOperator; value: FilterValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode }
  /**
   * `emails[type eq "work"]`: some element of the multi-valued attribute matches `filter`, whose
   * paths are relative to the element. Entra's `emails[type eq "work"].value eq "x"` is parsed as
   * `emails[type eq "work" and value eq "x"]`, which means the same.
   */
  | { kind: 'valuePath'; path: AttributePath; filter: FilterNode }
