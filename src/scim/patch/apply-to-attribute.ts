import { ScimError } from '../errors.js'
import type { AttributeDefinition } from '../schemas/attribute.js'
import { coerceValue, isJsonObject, tooManyElements } from '../schemas/coerce-value.js'
import { MAX_MULTI_VALUED_ELEMENTS } from '../limits.js'
import { ElementIndex } from './element-index.js'
import { spendElementWork } from './patch-budget.js'
import { deleteMember, getMember, setMember } from './json-members.js'
import { enforceSinglePrimary, impliedElement, matchingElements } from './multi-valued.js'
import type { PatchOpName } from './parse-patch-request.js'
import type { PatchTarget } from './patch-target.js'

/** An attribute target of a PATCH operation (RFC 7644 §3.5.2.1-3), applied in place to its container object. */
export type AttributeTarget = Extract<PatchTarget, { kind: 'attribute' }>

/**
 * Applies one add/replace/remove to `container` (the document, or the extension object holding the attribute).
 * A null or absent value in add/replace removes the target (Entra's Switch() yields null, field guide §2.3).
 */
export function applyToAttribute(container: Record<string, unknown>, target: AttributeTarget, op: PatchOpName, value: unknown): void {
  if (op === 'remove' || value === null || value === undefined) return removeAt(container, target, op === 'remove' ? value : undefined)
  if (target.filter) return writeFiltered(container, target, op, value)
  if (target.subAttribute) return writeSubAttribute(container, target, target.subAttribute, value)
  return writeAttribute(container, target, op, value)
}

const elementsOf = (container: Record<string, unknown>, name: string): unknown[] => {
  const current = getMember(container, name)
  if (Array.isArray(current)) return current
  return current === undefined || current === null ? [] : [current]
}

/**
 * The index of an elements array that only adds have touched since it was built, so that a PATCH of 1,000 single-element
 * adds does not hash the attribute 1,000 times. Every other write goes through storeElements, which forgets it (those
 * writes change elements in place). Keyed weakly by the array: a PATCH works on its own copy of the document.
 */
const addIndexes = new WeakMap<unknown[], ElementIndex>()

/** Writes a multi-valued attribute back; an emptied attribute is removed entirely, not left as `[]`. */
function storeElements(container: Record<string, unknown>, definition: AttributeDefinition, elements: unknown[], where = definition.name): void {
  addIndexes.delete(elements)
  if (elements.length > MAX_MULTI_VALUED_ELEMENTS && !definition.storedApart) throw tooManyElements(definition, where, elements.length)
  if (elements.length === 0) deleteMember(container, definition.name)
  else setMember(container, definition.name, elements)
}

/** `userName`, `name`, `emails`: the whole attribute, no filter, no sub-attribute. */
function writeAttribute(container: Record<string, unknown>, target: AttributeTarget, op: PatchOpName, value: unknown): void {
  const { definition } = target
  const coerced = coerceValue(definition, value, target.where)
  if (coerced === undefined) return void deleteMember(container, definition.name)
  if (definition.multiValued) {
    const given = coerced as unknown[]
    spendElementWork(given.length)
    if (op === 'replace') {
      // RFC 7644 §3.5.2.3: replace without a filter replaces all values.
      storeElements(container, definition, given)
      return enforceSinglePrimary(definition, given, new Set(given), target.where)
    }
    const elements = elementsOf(container, definition.name)
    const added = new Set<unknown>()
    let index = addIndexes.get(elements)
    if (index === undefined) {
      spendElementWork(elements.length)
      index = new ElementIndex(definition, elements)
    }
    for (const element of given) {
      // RFC 7644 §3.5.2.1: adding a value that is already there changes nothing.
      if (index.has(element)) continue
      elements.push(element)
      index.add(element)
      added.add(element)
    }
    storeElements(container, definition, elements, target.where)
    enforceSinglePrimary(definition, elements, added, target.where)
    // The next add to this attribute in the same PATCH reuses the index, unless making an added element primary
    // just changed the others.
    if (![...added].some((element) => isJsonObject(element) && getMember(element, 'primary') === true)) addIndexes.set(elements, index)
    return
  }
  const current = getMember(container, definition.name)
  if (definition.type === 'complex' && isJsonObject(current) && isJsonObject(coerced)) {
    // RFC 7644 §3.5.2.1 and §3.5.2.3: sub-attributes not given are left unchanged, for add and replace alike.
    for (const [name, subValue] of Object.entries(coerced)) setMember(current, name, subValue)
    return setMember(container, definition.name, current)
  }
  setMember(container, definition.name, coerced)
}

/** `name.givenName` or `emails.value` (no filter): the sub-attribute of the value, or of every element. */
function writeSubAttribute(container: Record<string, unknown>, target: AttributeTarget, subAttribute: AttributeDefinition, value: unknown): void {
  const { definition } = target
  const subValue = coerceValue(subAttribute, value, target.where)
  if (subValue === undefined) return removeAt(container, target, undefined)
  if (!definition.multiValued) {
    const current = getMember(container, definition.name)
    const object = isJsonObject(current) ? current : {}
    setMember(object, subAttribute.name, subValue)
    return setMember(container, definition.name, object)
  }
  const elements = elementsOf(container, definition.name).filter(isJsonObject)
  spendElementWork(elements.length)
  if (elements.length === 0) elements.push({})
  for (const element of elements) setMember(element, subAttribute.name, subValue)
  storeElements(container, definition, elements)
  enforceSinglePrimary(definition, elements, new Set(elements), target.where)
}

/** `emails[type eq "work"]` or `emails[type eq "work"].value`: the selected elements, created when none match. */
function writeFiltered(container: Record<string, unknown>, target: AttributeTarget, op: PatchOpName, value: unknown): void {
  const { definition, filter, subAttribute } = target
  if (!filter) return
  const elements = elementsOf(container, definition.name)
  const matches = matchingElements(definition, elements, filter)
  const written = new Set<unknown>()

  let replacement: unknown
  if (subAttribute) {
    replacement = coerceValue(subAttribute, value, target.where)
  } else {
    const given = coerceValue(definition, value, target.where) as unknown[] | undefined
    if (given && given.length > 1) {
      throw ScimError.invalidValue(`${target.where} selects elements by a filter, so "value" must be one element, not ${given.length}.`)
    }
    replacement = given?.[0]
  }
  if (replacement === undefined) return removeAt(container, target, undefined)

  if (matches.length === 0) {
    // Entra adds (and replaces) `emails[type eq "work"].value` on users without such an email and expects it created
    // (field guide §1.5, ssoready#249), although RFC 7644 §3.5.2.3 would answer noTarget for a replace.
    const created = impliedElement(definition, filter, target.where)
    if (!created) {
      throw ScimError.noTarget(
        `${target.where} matches no element of "${definition.name}", and its filter is not made of "eq" and "and" only, so no element can be created from it.`,
      )
    }
    if (subAttribute) setMember(created, subAttribute.name, replacement)
    else if (isJsonObject(replacement)) for (const [name, subValue] of Object.entries(replacement)) setMember(created, name, subValue)
    elements.push(created)
    written.add(created)
  }
  let positions: Map<unknown, number> | undefined
  for (const match of matches) {
    if (subAttribute && isJsonObject(match)) {
      setMember(match, subAttribute.name, replacement)
      written.add(match)
    } else if (!subAttribute && op === 'add' && isJsonObject(match) && isJsonObject(replacement)) {
      for (const [name, subValue] of Object.entries(replacement)) setMember(match, name, subValue)
      written.add(match)
    } else if (!subAttribute) {
      // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced"; what the filter implies is kept, so the
      // new value still answers to the filter that selected it.
      const next = isJsonObject(replacement) ? { ...impliedElement(definition, filter, target.where), ...replacement } : replacement
      positions ??= new Map(elements.map((element, position) => [element, position]))
      elements[positions.get(match)!] = next
      written.add(next)
    }
  }
  storeElements(container, definition, elements)
  enforceSinglePrimary(definition, elements, written, target.where)
}

/**
 * RFC 7644 §3.5.2.2. `listed` is the value of a remove: Entra's group member removal without the flag sends
 * `{"op":"Remove","path":"members","value":[{"value":"u1"}]}`, which removes only the listed members (field guide
 * §1.8, kortix-ai/suna#7297). A filter that matches nothing removes nothing, without error.
 */
function removeAt(container: Record<string, unknown>, target: AttributeTarget, listed: unknown): void {
  const { definition, filter, subAttribute } = target
  if (!definition.multiValued) {
    if (!subAttribute) return void deleteMember(container, definition.name)
    const current = getMember(container, definition.name)
    if (!isJsonObject(current)) return
    deleteMember(current, subAttribute.name)
    if (Object.keys(current).length === 0) deleteMember(container, definition.name)
    return
  }

  let elements = elementsOf(container, definition.name)
  if (elements.length === 0) return
  let selected: unknown[]
  if (filter) selected = matchingElements(definition, elements, filter)
  else if (listed !== undefined && listed !== null && !subAttribute) {
    const candidates = coerceValue(definition, listed, target.where) as unknown[]
    spendElementWork(elements.length + candidates.length)
    const index = new ElementIndex(definition, elements)
    const found = new Set(candidates.flatMap((candidate) => index.find(candidate)))
    selected = elements.filter((element) => found.has(element))
  } else selected = elements
  spendElementWork(elements.length)

  if (subAttribute) {
    for (const element of selected) if (isJsonObject(element)) deleteMember(element, subAttribute.name)
    // An element stripped of its last sub-attribute says nothing any more.
    elements = elements.filter((element) => !isJsonObject(element) || Object.keys(element).length > 0)
  } else {
    const removed = new Set(selected)
    elements = elements.filter((element) => !removed.has(element))
  }
  storeElements(container, definition, elements)
}
