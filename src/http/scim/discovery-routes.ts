import type { FastifyInstance } from 'fastify'
import { ScimError } from '../../scim/errors.js'
import { resourceTypes, schemaDocuments, serviceProviderConfig, type DiscoveryOptions } from '../../scim/discovery.js'
import { listResponse } from '../../scim/list-response.js'
import { SCIM_MEDIA_TYPE } from './media-type.js'

/** /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4). The documents are built once. */
export function registerDiscoveryRoutes(app: FastifyInstance, options: DiscoveryOptions): void {
  const config = serviceProviderConfig(options)
  const types = resourceTypes(options)
  const schemas = schemaDocuments(options)
  const byId = (documents: Record<string, unknown>[], id: string, what: string) => {
    const found = documents.find((d) => String(d.id).toLowerCase() === id.toLowerCase())
    if (!found) throw ScimError.notFound(`${what} "${id}" not found.`)
    return found
  }

  app.get('/ServiceProviderConfig', async (_request, reply) => reply.type(SCIM_MEDIA_TYPE).send(config))
  app.get('/ResourceTypes', async (_request, reply) => reply.type(SCIM_MEDIA_TYPE).send(listResponse(types, types.length, 1)))
  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', async (request, reply) =>
    reply.type(SCIM_MEDIA_TYPE).send(byId(types, request.params.id, 'Resource type')),
  )
  app.get('/Schemas', async (_request, reply) => reply.type(SCIM_MEDIA_TYPE).send(listResponse(schemas, schemas.length, 1)))
  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request, reply) =>
    reply.type(SCIM_MEDIA_TYPE).send(byId(schemas, request.params.id, 'Schema')),
  )
}
