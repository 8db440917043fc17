import { MODERNLOOP_USER_SCHEMA_ID } from '../../scim/schemas/schema-ids.js'
import type { Role, ScimDocument } from '../types.js'

/** The role as written in the document's modernloop extension, if any. */
export function documentRoleValue(document: ScimDocument): unknown {
  const extension = document[MODERNLOOP_USER_SCHEMA_ID]
  return extension && typeof extension === 'object' ? (extension as Record<string, unknown>).modernloopRole : undefined
}

/**
 * A copy of the document whose modernloop extension holds `role`. Callers pass the SCIM-visible role (`scimRoleOf`),
 * so that reads and in-memory filters show the directory's value in either role-management mode.
 */
export function withDocumentRole(document: ScimDocument, role: Role): ScimDocument {
  const extension = document[MODERNLOOP_USER_SCHEMA_ID]
  const next: ScimDocument = {
    ...document,
    [MODERNLOOP_USER_SCHEMA_ID]: { ...(extension && typeof extension === 'object' ? extension : {}), modernloopRole: role },
  }
  const schemas = Array.isArray(next.schemas) ? (next.schemas as unknown[]) : []
  if (!schemas.includes(MODERNLOOP_USER_SCHEMA_ID)) next.schemas = [...schemas, MODERNLOOP_USER_SCHEMA_ID]
  return next
}
