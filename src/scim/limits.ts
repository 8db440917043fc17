/**
 * Documented limits of the SCIM surface (README, "Limits and guarantees"). Each bounds the work one request can cause,
 * so that no single request stalls the server; going over one is 400 with a detail that names the limit.
 */

/** Elements of one multi-valued attribute of a stored document (emails, roles, addresses, ...). Group members are rows, not document elements, so they are not counted here. */
export const MAX_MULTI_VALUED_ELEMENTS = 1000

/** Paths in `attributes` plus `excludedAttributes` of one request (query or `.search` body). */
export const MAX_ATTRIBUTE_PATHS = 1000

/**
 * Element work of one PATCH, summed over its operations: each element a filter is evaluated on counts once per
 * comparison of the filter, each element hashed, rewritten or scanned for `primary` counts once. The worst PATCH
 * within it takes tens of milliseconds; Entra's PATCHes use a few dozen units.
 */
export const MAX_PATCH_ELEMENT_WORK = 250_000
