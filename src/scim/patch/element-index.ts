import { foldCase } from '../fold-case.js'
import type { AttributeDefinition } from '../schemas/attribute.js'
import { isJsonObject } from '../schemas/coerce-value.js'
import { resolveSubAttribute } from '../schemas/resolve-attribute.js'
import { getMember } from './json-members.js'

/**
 * Finds the elements of a multi-valued attribute that hold everything a candidate says (`isElementIn`), in time linear
 * in the elements. Comparing every candidate with every element was quadratic: adding 20,000 emails in one PATCH took
 * 26 s and stalled the server. Elements are hashed by the values of the sub-attributes a candidate names, one map per
 * set of names (a request nearly always uses one or two), so `{value: "u1"}` finds `{value: "u1", display: "Ann"}`
 * with one lookup. Values compare as `isElementIn` does: strings by their folded case unless the sub-attribute is
 * caseExact, other values by identity.
 */
export class ElementIndex {
  readonly #definition: AttributeDefinition
  readonly #elements: unknown[] = []
  /** Sorted lower-cased sub-attribute names → (key of the elements' values at those names → elements). */
  readonly #maps = new Map<string, Map<string, unknown[]>>()
  #uniques = 0

  constructor(definition: AttributeDefinition, elements: readonly unknown[]) {
    this.#definition = definition
    for (const element of elements) this.#elements.push(element)
  }

  /** The elements that hold everything `candidate` says; an empty or malformed candidate is in nothing. */
  find(candidate: unknown): unknown[] {
    const names = this.#namesOf(candidate)
    if (names === undefined) return []
    const key = this.#keyOf(candidate, names)
    return key === undefined ? [] : (this.#mapFor(names).get(key) ?? [])
  }

  has(candidate: unknown): boolean {
    return this.find(candidate).length > 0
  }

  /** Adds an element (e.g. one a PATCH just appended), to every map built so far. */
  add(element: unknown): void {
    this.#elements.push(element)
    for (const [signature, map] of this.#maps) this.#put(map, signature === '' ? [] : signature.split('\n'), element)
  }

  /** The sub-attribute names a candidate constrains (`[]` for a simple attribute), or undefined when it can match nothing. */
  #namesOf(candidate: unknown): string[] | undefined {
    if (this.#definition.type !== 'complex') return []
    if (!isJsonObject(candidate)) return undefined
    const names = Object.keys(candidate).map((name) => name.toLowerCase())
    return names.length === 0 ? undefined : [...new Set(names)].sort()
  }

  #mapFor(names: string[]): Map<string, unknown[]> {
    const signature = names.join('\n')
    let map = this.#maps.get(signature)
    if (map === undefined) {
      map = new Map()
      for (const element of this.#elements) this.#put(map, names, element)
      this.#maps.set(signature, map)
    }
    return map
  }

  #put(map: Map<string, unknown[]>, names: string[], element: unknown): void {
    if (this.#definition.type === 'complex' && !isJsonObject(element)) return
    const key = this.#keyOf(element, names)
    if (key === undefined) return
    const bucket = map.get(key)
    if (bucket) bucket.push(element)
    else map.set(key, [element])
  }

  /** The comparison key of `value` at `names` (the value itself for a simple attribute); undefined when a name is absent. */
  #keyOf(value: unknown, names: string[]): string | undefined {
    if (this.#definition.type !== 'complex') return this.#valueKey(this.#definition, value)
    if (!isJsonObject(value)) return undefined
    const parts: string[] = []
    for (const name of names) {
      const member = getMember(value, name)
      if (member === undefined) return undefined
      parts.push(this.#valueKey(resolveSubAttribute(this.#definition, name), member))
    }
    return JSON.stringify(parts)
  }

  #valueKey(definition: AttributeDefinition | undefined, value: unknown): string {
    if (typeof value === 'string') return definition && !definition.caseExact ? `s${foldCase(value)}` : `S${value}`
    if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value}:${String(value)}`
    // Objects, arrays and null compare by identity in isElementIn, so each is a key of its own.
    return `u${this.#uniques++}`
  }
}
