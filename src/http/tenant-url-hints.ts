import type { FastifyInstance } from 'fastify'
import { SCIM_BASE_PATH } from '../config.js'
import { ScimError } from '../scim/errors.js'
import { SCIM_MEDIA_TYPE } from './scim/media-type.js'

const SCIM_RESOURCE = /\/(Users|Groups|ServiceProviderConfig|ResourceTypes|Schemas)(\/|$|\?)/i

/**
 * Requests that miss every route, answered in SCIM's error shape with a hint when they look like a mistyped Tenant
 * URL (`https://host/scim/v2` instead of `https://host/org/scim/v2`). Entra shows such failures as "invalid
 * credentials", so the body is where an IT admin finds the real cause.
 */
export function registerTenantUrlHints(app: FastifyInstance, tenantUrl: string): void {
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const detail = SCIM_RESOURCE.test(path)
      ? `No SCIM endpoint at ${path}. The Tenant URL in Entra must be ${tenantUrl} exactly (Entra appends /Users and /Groups itself).`
      : `Nothing is served at ${path}. Roster's SCIM Tenant URL is ${tenantUrl}.`
    return reply.code(404).type(SCIM_MEDIA_TYPE).send(ScimError.notFound(detail).toJSON())
  })
}

/** `…/org/scim/v2/Users/Users`: the Tenant URL was entered with /Users at its end. */
export function doubledResourceHint(path: string): string | undefined {
  const rest = path.slice(SCIM_BASE_PATH.length)
  const match = /^\/(Users|Groups)\/(Users|Groups)(\/|$)/i.exec(rest)
  return match ? `The Tenant URL in Entra ends with /${match[1]}; remove it: Entra appends /Users and /Groups itself.` : undefined
}
