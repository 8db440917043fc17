/** RFC 7644 §3.4.2 ListResponse message schema URN. */
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

/**
 * RFC 7644 §3.4.2 ListResponse: schemas, totalResults, Resources, startIndex, itemsPerPage (= Resources.length).
 * An empty result is still a full ListResponse: Entra's Test Connection probe expects exactly that (field guide §1.2).
 */
export function listResponse(
  resources: unknown[],
  totalResults: number,
  startIndex: number,
): { schemas: string[]; totalResults: number; Resources: unknown[]; startIndex: number; itemsPerPage: number } {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, Resources: resources, startIndex, itemsPerPage: resources.length }
}

/** RFC 9865 §2.2: a cursor-paged ListResponse: no startIndex; nextCursor and previousCursor when those pages may exist. */
export function cursorListResponse(
  resources: unknown[],
  totalResults: number,
  cursors: { nextCursor?: string; previousCursor?: string },
): { schemas: string[]; totalResults: number; Resources: unknown[]; itemsPerPage: number; nextCursor?: string; previousCursor?: string } {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, Resources: resources, itemsPerPage: resources.length, ...cursors }
}
