import type { FilterNode, FilterValue } from './ast.js'

/**
 * For a value filter made only of `eq` comparisons joined by `and` (e.g. `type eq "work" and primary eq true`), the
 * sub-attribute values it implies ({type: 'work', primary: true}, keys lower-cased); otherwise undefined. Used by PATCH
 * to create a missing element (Entra: add to `emails[type eq "work"].value` on a user without emails must create it).
 * `eq null`, sub-attribute or schema-qualified paths, and two different values for one key imply nothing.
 */
export function impliedValues(filter: FilterNode): Record<string, FilterValue> | undefined {
  const implied: Record<string, FilterValue> = {}
  return collectEqualities(filter, implied) ? implied : undefined
}

function collectEqualities(node: FilterNode, implied: Record<string, FilterValue>): boolean {
  if (node.kind === 'and') return collectEqualities(node.left, implied) && collectEqualities(node.right, implied)
  if (node.kind !== 'compare' || node.operator !== 'eq' || node.value === null) return false
  if (node.path.subAttribute !== undefined || node.path.schema !== undefined) return false
  const key = node.path.attribute
  if (Object.hasOwn(implied, key) && implied[key] !== node.value) return false
  implied[key] = node.value
  return true
}
