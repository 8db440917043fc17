import type { ResourceSchema } from './attribute.js'
import { enterpriseUserSchema } from './enterprise-user-schema.js'
import { groupSchema } from './group-schema.js'
import { modernloopUserSchema } from './modernloop-user-schema.js'
import { userSchema } from './user-schema.js'

/** The User resource type (RFC 7643 §6): core User plus the enterprise and ModernLoop extensions, neither required. */
export const userResourceSchema: ResourceSchema = {
  name: 'User',
  endpoint: '/Users',
  core: userSchema,
  extensions: [
    { schema: enterpriseUserSchema, required: false },
    { schema: modernloopUserSchema, required: false },
  ],
}

/** The Group resource type (RFC 7643 §6): core Group, no extensions. */
export const groupResourceSchema: ResourceSchema = {
  name: 'Group',
  endpoint: '/Groups',
  core: groupSchema,
  extensions: [],
}
