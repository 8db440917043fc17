import { foldCase } from '../fold-case.js'
import { ScimError } from '../errors.js'
import type { FilterNode } from '../filter/ast.js'
import { matchesFilter } from '../filter/evaluate-filter.js'
import { impliedValues } from '../filter/implied-values.js'
import type { AttributeDefinition } from '../schemas/attribute.js'
import { coerceValue, isJsonObject } from '../schemas/coerce-value.js'
import { resolveSubAttribute } from '../schemas/resolve-attribute.js'
import { getMember, setMember } from './json-members.js'
import { comparisonsIn, spendElementWork } from './patch-budget.js'

/** Elements of multi-valued attributes: value-filter matching, creation from a filter, duplicates, `primary`. */

/** A simple (non-complex) element seen as `{value: element}`, so `[value eq "x"]` filters work on it too. */
const asRecord = (element: unknown): Record<string, unknown> => (isJsonObject(element) ? element : { value: element })

/** The elements of `elements` that `filter` selects, with sub-attribute case-exactness from the definition. */
export function matchingElements(definition: AttributeDefinition, elements: unknown[], filter: FilterNode): unknown[] {
  spendElementWork(elements.length * comparisonsIn(filter))
  // Asked once per comparison per element: remembered, since a PATCH may filter 1,000 elements 1,000 times.
  const caseExact = new Map<string, boolean>()
  const isCaseExact = (path: { attribute: string }): boolean => {
    let known = caseExact.get(path.attribute)
    if (known === undefined) {
      known = resolveSubAttribute(definition, path.attribute)?.caseExact ?? definition.caseExact
      caseExact.set(path.attribute, known)
    }
    return known
  }
  return elements.filter((element) => matchesFilter(asRecord(element), filter, { isCaseExact }))
}

/**
 * The element a value filter describes (`emails[type eq "work"]` → `{type: "work"}`), for add/replace on a missing
 * element: Entra adds `emails[type eq "work"].value` to users without emails and expects it created (ssoready#249).
 * Undefined when the filter is not made of `eq` and `and` only, or the attribute is not complex.
 */
export function impliedElement(definition: AttributeDefinition, filter: FilterNode, where: string): Record<string, unknown> | undefined {
  if (definition.type !== 'complex') return undefined
  const implied = impliedValues(filter)
  if (!implied) return undefined
  const element: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(implied)) {
    const subAttribute = resolveSubAttribute(definition, name)
    if (!subAttribute) continue
    const coerced = coerceValue(subAttribute, value, `${where} (filter value of ${subAttribute.name})`)
    if (coerced !== undefined) element[subAttribute.name] = coerced
  }
  return element
}

function isSameValue(definition: AttributeDefinition | undefined, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && definition && !definition.caseExact) return foldCase(a) === foldCase(b)
  return a === b
}

/**
 * True when `existing` holds everything `candidate` says: every sub-attribute of a complex candidate has the same
 * value in `existing` (`{value: "u1"}` is in `{value: "u1", display: "Ann"}`). An empty candidate is in nothing.
 * Used to skip re-added elements and to find the elements Entra's `remove members` with a value array lists.
 */
export function isElementIn(definition: AttributeDefinition, candidate: unknown, existing: unknown): boolean {
  if (definition.type !== 'complex') return isSameValue(definition, candidate, existing)
  if (!isJsonObject(candidate) || !isJsonObject(existing)) return false
  const entries = Object.entries(candidate)
  return (
    entries.length > 0 &&
    entries.every(([name, value]) => isSameValue(resolveSubAttribute(definition, name), value, getMember(existing, name)))
  )
}

/**
 * RFC 7643 §2.4: at most one element may have `primary: true`. When an element written by this operation (in
 * `written`) is primary, the others lose it; two written primaries are a client error.
 */
export function enforceSinglePrimary(definition: AttributeDefinition, elements: unknown[], written: ReadonlySet<unknown>, where: string): void {
  const primary = resolveSubAttribute(definition, 'primary')
  if (!primary) return
  const isPrimary = (element: unknown): element is Record<string, unknown> => isJsonObject(element) && getMember(element, primary.name) === true
  // Written elements are elements of `elements`; looking only at them keeps a PATCH of many small writes linear.
  const writtenPrimaries = [...written].filter(isPrimary)
  if (writtenPrimaries.length > 1) {
    throw ScimError.invalidValue(`${where}: at most one element of "${definition.name}" can have primary true (RFC 7643 §2.4).`)
  }
  if (writtenPrimaries.length === 0) return
  spendElementWork(elements.length)
  for (const element of elements) {
    if (!written.has(element) && isPrimary(element)) setMember(element, primary.name, false)
  }
}
