import { ScimError } from '../../scim/errors.js'

const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest'

/** A POST .search body (RFC 7644 §3.4.3) in the shape of query parameters, so one parser serves both. */
export function searchRequestQuery(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw ScimError.invalidSyntax(`A search request is a JSON object with schemas ["${SEARCH_REQUEST_SCHEMA}"].`)
  }
  const query: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'schemas' || value === null || value === undefined) continue
    query[key] = Array.isArray(value) ? value.map((item) => textItem(key, item)).join(',') : typeof value === 'object' ? value : String(value)
  }
  return query
}

/** An element of an array member (`attributes: ["userName"]`): text, numbers and booleans only; objects are 400, not String()'d. */
function textItem(key: string, item: unknown): string {
  if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item)
  throw ScimError.invalidValue(`"${key}" in a search request must be a list of text values.`)
}
