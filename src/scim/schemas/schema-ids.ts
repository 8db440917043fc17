/** Schema URNs of RFC 7643 §8.7.1 (core User, Group, enterprise User) and Roster's own extension. */
export const USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const GROUP_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:Group'
export const ENTERPRISE_USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
/** Roster's extension; the vendor doc tells admins to map `modernloopRole` under it so the role arrives in the POST (field guide §2.2). */
export const MODERNLOOP_USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:extension:modernloop:2.0:User'
