import { sql, type RawBuilder, type SqlBool } from 'kysely'
import type { AttributePath, CompareOperator, FilterNode, FilterValue } from '../scim/filter/ast.js'
import { ScimError } from '../scim/errors.js'
import type { EngineDialect } from './engine-dialect.js'
import { textKey } from './text-key.js'

/**
 * A filter split for the database (RFC 7644 §3.4.2.2). `where` keeps every row that can match
 * (exactly the matches when `residual` is undefined); `residual` is what SQL could not decide and
 * must be checked in memory on the rows `where` keeps.
 */
export interface FilterTranslation {
  where: RawBuilder<SqlBool> | undefined
  residual: FilterNode | undefined
}

/** Lower-cased core schema URNs: a path qualified with these means the plain attribute. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:user'
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:group'

/** SQL for one sub-filter; `exact` false means "a superset of the matches". undefined: no SQL. */
type Part = { sql: RawBuilder<SqlBool>; exact: boolean } | undefined

interface Context {
  dialect: EngineDialect
  orgId: string
  coreSchema: string
  /** Translates a compare/present node on this resource's own attributes. */
  leaf: (node: LeafNode, context: Context) => Part
}
type LeafNode = Extract<FilterNode, { kind: 'compare' } | { kind: 'present' } | { kind: 'valuePath' }>

const TRUE = sql<SqlBool>`(1 = 1)`

/** Users: id, userName, externalId, displayName, active, emails (by index), groups, meta dates. */
export function translateUserFilter(filter: FilterNode | undefined, dialect: EngineDialect, orgId: string): FilterTranslation {
  const translation = translate(filter, { dialect, orgId, coreSchema: USER_SCHEMA, leaf: userLeaf })
  rejectIfResidualMentions(translation.residual, 'groups', USER_SCHEMA)
  return translation
}

/** Groups: id, displayName, externalId, members[value eq "…"], meta dates. */
export function translateGroupFilter(filter: FilterNode | undefined, dialect: EngineDialect, orgId: string): FilterTranslation {
  const translation = translate(filter, { dialect, orgId, coreSchema: GROUP_SCHEMA, leaf: groupLeaf })
  rejectIfResidualMentions(translation.residual, 'members', GROUP_SCHEMA)
  return translation
}

function translate(filter: FilterNode | undefined, context: Context): FilterTranslation {
  if (filter === undefined) return { where: undefined, residual: undefined }
  const sqlParts: RawBuilder<SqlBool>[] = []
  const residualParts: FilterNode[] = []
  // Top-level conjuncts are independent: the exact ones need no second look in memory.
  for (const conjunct of conjunctsOf(filter)) {
    const part = translateNode(conjunct, context)
    if (part !== undefined) sqlParts.push(part.sql)
    if (part === undefined || !part.exact) residualParts.push(conjunct)
  }
  return {
    where: sqlParts.length === 0 ? undefined : sqlParts.reduce((left, right) => sql<SqlBool>`(${left} and ${right})`),
    residual: residualParts.length === 0 ? undefined : residualParts.reduce((left, right) => ({ kind: 'and', left, right })),
  }
}

function conjunctsOf(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? [...conjunctsOf(node.left), ...conjunctsOf(node.right)] : [node]
}

function translateNode(node: FilterNode, context: Context): Part {
  switch (node.kind) {
    case 'and': {
      const left = translateNode(node.left, context)
      const right = translateNode(node.right, context)
      if (left === undefined || right === undefined) return left === undefined ? inexact(right) : inexact(left)
      return { sql: sql<SqlBool>`(${left.sql} and ${right.sql})`, exact: left.exact && right.exact }
    }
    case 'or': {
      const left = translateNode(node.left, context)
      const right = translateNode(node.right, context)
      if (left === undefined || right === undefined) return undefined
      return { sql: sql<SqlBool>`(${left.sql} or ${right.sql})`, exact: left.exact && right.exact }
    }
    case 'not': {
      // NOT of a superset is not a superset, so only an exact inner part can be negated in SQL.
      const inner = translateNode(node.filter, context)
      if (inner === undefined || !inner.exact) return undefined
      return { sql: sql<SqlBool>`(not ${inner.sql})`, exact: true }
    }
    default:
      if (!isCorePath(node.path, context.coreSchema)) return undefined
      return context.leaf(node, context)
  }
}

const inexact = (part: Part): Part => (part === undefined ? undefined : { sql: part.sql, exact: false })

const isCorePath = (path: AttributePath, coreSchema: string): boolean => path.schema === undefined || path.schema === coreSchema

function userLeaf(node: LeafNode, context: Context): Part {
  const { attribute, subAttribute } = node.path
  if (attribute === 'groups') return membershipLeaf(node, context, 'groups')
  if (attribute === 'emails') return node.kind === 'valuePath' ? emailsValuePath(node.filter, context) : emailLeaf(node, context)
  if (node.kind === 'valuePath') return undefined
  if (attribute === 'meta') return metaLeaf(node, 'users')
  if (subAttribute !== undefined) return undefined
  switch (attribute) {
    case 'id':
      return textLeaf(node, sql.ref('users.id'), { nullable: false, lowerValue: false }, context)
    case 'username':
      return textLeaf(node, sql.ref('users.user_name_key'), { nullable: false, lowerValue: true }, context)
    case 'externalid':
      return textLeaf(node, sql.ref('users.external_id'), { nullable: true, lowerValue: false }, context)
    case 'displayname':
      // lower() folds only ASCII in SQLite (and in C-locale PostgreSQL): other values go to memory.
      if (node.kind === 'compare' && typeof node.value === 'string' && !isAscii(node.value)) return undefined
      return textLeaf(node, sql`lower(${sql.ref('users.display_name')})`, { nullable: true, lowerValue: true }, context)
    case 'active':
      return booleanLeaf(node, sql.ref('users.active'))
    default:
      return undefined
  }
}

function groupLeaf(node: LeafNode, context: Context): Part {
  const { attribute, subAttribute } = node.path
  if (attribute === 'members') return membershipLeaf(node, context, 'members')
  if (node.kind === 'valuePath') return undefined
  if (attribute === 'meta') return metaLeaf(node, 'groups')
  if (subAttribute !== undefined) return undefined
  switch (attribute) {
    case 'id':
      return textLeaf(node, sql.ref('groups.id'), { nullable: false, lowerValue: false }, context)
    case 'displayname':
      return textLeaf(node, sql.ref('groups.display_name_key'), { nullable: false, lowerValue: true }, context)
    case 'externalid':
      return textLeaf(node, sql.ref('groups.external_id'), { nullable: true, lowerValue: false }, context)
    default:
      return undefined
  }
}

interface TextColumn {
  nullable: boolean
  /** Compare against `textKey(value)`: the column holds that key. */
  lowerValue: boolean
}

const SQL_OPERATORS: Record<'gt' | 'ge' | 'lt' | 'le', RawBuilder<unknown>> = {
  gt: sql.raw('>'),
  ge: sql.raw('>='),
  lt: sql.raw('<'),
  le: sql.raw('<='),
}

function textLeaf(node: LeafNode, column: RawBuilder<unknown>, options: TextColumn, context: Context): Part {
  if (node.kind === 'valuePath') return undefined
  if (node.kind === 'present') {
    return { sql: options.nullable ? sql<SqlBool>`(${column} is not null and ${column} <> '')` : sql<SqlBool>`(${column} <> '')`, exact: true }
  }
  if (typeof node.value !== 'string') return undefined
  const value = options.lowerValue ? textKey(checkedText(node.value)) : checkedText(node.value)
  return { sql: compareText(column, node.operator, value, options.nullable, context.dialect), exact: true }
}

function compareText(column: RawBuilder<unknown>, operator: CompareOperator, value: string, nullable: boolean, dialect: EngineDialect): RawBuilder<SqlBool> {
  // SCIM `ne` also matches an absent value; every other operator needs one. The explicit null
  // tests keep the result two-valued, so `not (...)` never meets SQL's NULL.
  if (operator === 'ne') return nullable ? sql<SqlBool>`(${column} is null or ${column} <> ${value})` : sql<SqlBool>`(${column} <> ${value})`
  const test = operator === 'sw' || operator === 'ew' || operator === 'co' ? dialect.matchText(column, operator, value) : compareOrdered(column, operator, value)
  return nullable ? sql<SqlBool>`(${column} is not null and ${test})` : sql<SqlBool>`(${test})`
}

function compareOrdered(column: RawBuilder<unknown>, operator: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', value: string): RawBuilder<SqlBool> {
  if (operator === 'eq') return sql<SqlBool>`${column} = ${value}`
  if (operator === 'ne') return sql<SqlBool>`${column} <> ${value}`
  return sql<SqlBool>`${column} ${SQL_OPERATORS[operator]} ${value}`
}

/** `active eq true`, and Entra's string form `active eq "False"` (field guide §0 rule 4). */
function booleanLeaf(node: LeafNode, column: RawBuilder<unknown>): Part {
  if (node.kind !== 'compare' || (node.operator !== 'eq' && node.operator !== 'ne')) return undefined
  const wanted = booleanOf(node.value)
  if (wanted === undefined) return undefined
  const matchesTrue = wanted === (node.operator === 'eq')
  return { sql: sql<SqlBool>`(${column} = ${matchesTrue ? 1 : 0})`, exact: true }
}

function booleanOf(value: FilterValue): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string') return undefined
  const lowered = value.toLowerCase()
  return lowered === 'true' ? true : lowered === 'false' ? false : undefined
}

/** meta.created / meta.lastModified against the ISO-8601 text columns (RFC 7643 §3.1). */
function metaLeaf(node: LeafNode, table: 'users' | 'groups'): Part {
  if (node.kind === 'valuePath') return undefined
  const { subAttribute } = node.path
  const column = subAttribute === 'created' ? 'created_at' : subAttribute === 'lastmodified' ? 'updated_at' : undefined
  if (column === undefined) return undefined
  if (node.kind === 'present') return { sql: TRUE, exact: true }
  const { operator, value } = node
  if (typeof value !== 'string' || operator === 'sw' || operator === 'ew' || operator === 'co') return undefined
  // Only RFC 3339 text with a zone (or a bare date, UTC): Date.parse would read "1" as 2001.
  if (!ISO_INSTANT.test(value)) return undefined
  const time = Date.parse(value)
  if (Number.isNaN(time)) return undefined
  // Stored timestamps are `toISOString()` text, so the same form compares correctly as text.
  return { sql: sql<SqlBool>`(${compareOrdered(sql.ref(`${table}.${column}`), operator, new Date(time).toISOString())})`, exact: true }
}

/** `emails eq "x"` / `emails.value sw "x"` / `emails.type eq "work"` / `emails.primary eq true`. */
function emailLeaf(node: Exclude<LeafNode, { kind: 'valuePath' }>, context: Context): Part {
  if (node.kind === 'compare' && node.operator === 'ne') {
    // On a multi-valued attribute `ne` is "no element equals", not "some element differs".
    const someEqual = emailLeaf({ ...node, operator: 'eq' }, context)
    return someEqual === undefined || !someEqual.exact ? undefined : { sql: sql<SqlBool>`(not ${someEqual.sql})`, exact: true }
  }
  const element = emailElementCondition(node, context)
  if (element === undefined) return undefined
  return { sql: userHasEmail(element.sql, context), exact: element.exact }
}

/** `emails[type eq "work" and value eq "x"]`: one email row satisfies the whole inner filter. */
function emailsValuePath(inner: FilterNode, context: Context): Part {
  const elementContext: Context = { ...context, coreSchema: '', leaf: (node, ctx) => (node.kind === 'valuePath' ? undefined : emailElementCondition(node, ctx)) }
  const element = translateNode(inner, elementContext)
  // With no usable inner condition, "has some email" is still a superset of the matches.
  if (element === undefined) return { sql: userHasEmail(TRUE, context), exact: false }
  return { sql: userHasEmail(element.sql, context), exact: element.exact }
}

function emailElementCondition(node: Exclude<LeafNode, { kind: 'valuePath' }>, context: Context): Part {
  const property = node.path.attribute === 'emails' ? (node.path.subAttribute ?? 'value') : node.path.attribute
  if (node.path.attribute !== 'emails' && node.path.subAttribute !== undefined) return undefined
  if (property === 'value') return textLeaf(node, sql.ref('e.value_key'), { nullable: false, lowerValue: true }, context)
  if (property === 'type') return textLeaf(node, sql.ref('e.type_key'), { nullable: true, lowerValue: true }, context)
  if (property === 'primary') return booleanLeaf(node, sql.ref('e.is_primary'))
  return undefined
}

/** An uncorrelated IN over the (org_id, value_key) index, so an email lookup never scans users. */
const userHasEmail = (condition: RawBuilder<SqlBool>, context: Context): RawBuilder<SqlBool> =>
  sql<SqlBool>`(users.id in (select e.user_id from user_emails e where e.org_id = ${context.orgId} and ${condition}))`

/**
 * Memberships live in group_members, not in the documents, so memory cannot evaluate them:
 * only `members[value eq "…"]` (and a user's `groups[value eq "…"]`) is supported, in SQL.
 */
function membershipLeaf(node: LeafNode, context: Context, attribute: 'members' | 'groups'): Part {
  const unsupported = ScimError.invalidFilter(`Only ${attribute}[value eq "..."] is supported for ${attribute === 'members' ? 'group members' : "a user's groups"}`)
  const memberValue = (leaf: LeafNode, relative: boolean): string => {
    const valuePathOk = relative ? leaf.path.attribute === 'value' && leaf.path.subAttribute === undefined : (leaf.path.subAttribute ?? 'value') === 'value'
    if (leaf.kind !== 'compare' || leaf.operator !== 'eq' || typeof leaf.value !== 'string' || !valuePathOk) throw unsupported
    return checkedText(leaf.value)
  }
  const condition = (value: string): RawBuilder<SqlBool> =>
    attribute === 'members'
      ? sql<SqlBool>`(groups.id in (select gm.group_id from group_members gm where gm.org_id = ${context.orgId} and gm.user_id = ${value}))`
      : sql<SqlBool>`(users.id in (select gm.user_id from group_members gm where gm.org_id = ${context.orgId} and gm.group_id = ${value}))`
  if (node.kind !== 'valuePath') return { sql: condition(memberValue(node, false)), exact: true }
  const elementContext: Context = {
    ...context,
    coreSchema: '',
    leaf: (leaf) => {
      if (leaf.kind === 'valuePath') throw unsupported
      return { sql: condition(memberValue(leaf, true)), exact: true }
    },
  }
  const part = translateNode(node.filter, elementContext)
  if (part === undefined || !part.exact) throw unsupported
  return part
}

function rejectIfResidualMentions(residual: FilterNode | undefined, attribute: 'members' | 'groups', coreSchema: string): void {
  if (residual !== undefined && mentions(residual, attribute, coreSchema)) {
    throw ScimError.invalidFilter(
      `${attribute}[value eq "..."] can only be combined with attributes the server indexes (id, externalId, ${attribute === 'members' ? 'displayName' : 'userName'}, meta dates)`,
    )
  }
}

function mentions(node: FilterNode, attribute: string, coreSchema: string): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return mentions(node.left, attribute, coreSchema) || mentions(node.right, attribute, coreSchema)
    case 'not':
      return mentions(node.filter, attribute, coreSchema)
    default:
      return node.path.attribute === attribute && isCorePath(node.path, coreSchema)
  }
}

/** NUL cannot be sent to PostgreSQL as text, and no stored value contains one. */
function checkedText(value: string): string {
  if (value.includes('\u0000')) throw ScimError.invalidFilter('Filter values cannot contain a NUL character (\\u0000)')
  return value
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(t\d{2}:\d{2}:\d{2}(\.\d+)?(z|[+-]\d{2}:\d{2}))?$/i

const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text)
