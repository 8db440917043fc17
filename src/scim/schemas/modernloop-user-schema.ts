import type { AttributeDefinition, SchemaDefinition } from './attribute.js'
import { stringAttribute } from './define-attribute.js'
import { MODERNLOOP_USER_SCHEMA_ID } from './schema-ids.js'

const ROLE_RULES =
  'Values ADMIN, SCHEDULER, INTERVIEWER, in any case (Entra app-role names ML_ADMIN, ML_SCHEDULER, ML_INTERVIEWER map to them); defaults to INTERVIEWER on create. ' +
  'A PATCH remove, a null or an empty value leaves the role unchanged (Entra\'s Switch() yields an empty value when it cannot compute one, which must not demote anyone): to change a role, write the new one. ' +
  'Responses carry the role twice, here and as the other copy; when a write sends both copies with different values, the copy that differs from the stored role is the change, and two different changes are refused (400).'

/** Roster's extension: the user's role. Its values match `ROLES` in src/directory/types.ts. */
export const modernloopUserSchema: SchemaDefinition = {
  id: MODERNLOOP_USER_SCHEMA_ID,
  name: 'ModernLoopUser',
  description: 'ModernLoop user extension: the role of the user in the organization.',
  attributes: [
    stringAttribute('modernloopRole', `The role of the user in the organization. ${ROLE_RULES}`, {
      canonicalValues: ['ADMIN', 'SCHEDULER', 'INTERVIEWER'],
    }),
  ],
}

/**
 * The top-level copy of the role, as the core User schema Roster serves lists it (RFC 7643 §3: `schemas` must name a
 * schema defining every attribute present). Entra needs the copy (it reads a plain-named custom attribute back from the
 * top level), strict clients need it defined; only /Schemas shows it, since writes map it into the extension.
 */
export const topLevelRoleAttribute: AttributeDefinition = stringAttribute(
  'modernloopRole',
  `The role of the user, the same value as ${MODERNLOOP_USER_SCHEMA_ID}:modernloopRole, repeated top-level for Microsoft Entra ID. ${ROLE_RULES}`,
  { canonicalValues: ['ADMIN', 'SCHEDULER', 'INTERVIEWER'] },
)
