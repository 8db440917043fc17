import { ScimError } from '../errors.js'
import type { FilterNode } from '../filter/ast.js'
import { MAX_PATCH_ELEMENT_WORK } from '../limits.js'

/**
 * The element work one PATCH may do (MAX_PATCH_ELEMENT_WORK): each filtered operation compares every element of its
 * attribute with every comparison of its filter, and each hashing of an attribute visits every element, so 1,000
 * operations with long filters on 1,000 elements would otherwise take minutes. applyPatch is synchronous, so the
 * budget of the PATCH being applied is simply the module's current one.
 */
let remaining = Number.POSITIVE_INFINITY

/** Runs `work` (one PATCH) with a fresh budget. */
export function withPatchBudget<T>(work: () => T): T {
  const outer = remaining
  remaining = MAX_PATCH_ELEMENT_WORK
  try {
    return work()
  } finally {
    remaining = outer
  }
}

/** Spends `units` of the budget, or throws 400 naming the limit before the work is done. */
export function spendElementWork(units: number): void {
  remaining -= units
  if (remaining < 0) {
    remaining = Number.NEGATIVE_INFINITY
    throw ScimError.invalidValue(
      `the PATCH would compare more than ${MAX_PATCH_ELEMENT_WORK} element values (operations × elements × filter comparisons), Roster's limit for one request; split it into smaller requests or use shorter filters.`,
    )
  }
}

/** The comparisons in a filter (each `eq`, `pr`, ... counts one). */
export function comparisonsIn(filter: FilterNode): number {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return comparisonsIn(filter.left) + comparisonsIn(filter.right)
    case 'not':
      return comparisonsIn(filter.filter)
    case 'valuePath':
      return comparisonsIn(filter.filter)
    default:
      return 1
  }
}
