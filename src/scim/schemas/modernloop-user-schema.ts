import type { SchemaDefinition } from './attribute.js'
import { stringAttribute } from './define-attribute.js'
import { MODERNLOOP_USER_SCHEMA_ID } from './schema-ids.js'

/** Roster's extension: the user's role. Its values match `ROLES` in src/directory/types.ts. */
export const modernloopUserSchema: SchemaDefinition = {
  id: MODERNLOOP_USER_SCHEMA_ID,
  name: 'ModernLoopUser',
  description: 'ModernLoop user extension: the role of the user in the organization.',
  attributes: [
    stringAttribute('modernloopRole', 'The role of the user: ADMIN, SCHEDULER or INTERVIEWER (compared case-insensitively). Defaults to INTERVIEWER on create.', {
      canonicalValues: ['ADMIN', 'SCHEDULER', 'INTERVIEWER'],
    }),
  ],
}
