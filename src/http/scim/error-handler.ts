import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from '../../lib/database-unavailable.js'
import { ScimError } from '../../scim/errors.js'
import { SCIM_MEDIA_TYPE } from './media-type.js'

/** Fastify's own client errors, in words an IT admin can act on. */
function fromFrameworkError(error: FastifyError, maxBodyBytes: number): ScimError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ScimError.payloadTooLarge(
        `The request body is larger than ${maxBodyBytes} bytes, Roster's limit (MAX_BODY_BYTES). For group memberships, send fewer members per PATCH.`,
      )
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.invalidSyntax('The request body is empty; send a SCIM JSON document.')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ScimError.invalidSyntax(`The request body is not valid JSON: ${error.message}`)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ScimError.unsupportedMediaType('Send the body as application/scim+json or application/json.')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ScimError.invalidSyntax('The Content-Length header does not match the body.')
  }
  if (error instanceof SyntaxError) return ScimError.invalidSyntax(`The request body is not valid JSON: ${error.message}`)
  if (error.validation) return ScimError.invalidSyntax(error.message)
  const status = error.statusCode
  if (status && status >= 400 && status < 500) return new ScimError(status, error.message)
  return undefined
}

/** Renders every error of the SCIM surface as an RFC 7644 §3.12 body; anything unexpected is logged and a 500. */
export function scimErrorHandler(maxBodyBytes: number) {
  return function handleScimError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const scimError = error instanceof ScimError ? error : fromFrameworkError(error, maxBodyBytes)
    if (scimError) {
      // Only bugs are logged at error level with a stack: a ScimError, 501 for /Bulk included, is an expected refusal.
      request.log.info({ status: scimError.status, scimType: scimError.scimType, detail: scimError.message }, 'SCIM request refused')
      if (scimError.status === 401) reply.header('www-authenticate', 'Bearer realm="Roster SCIM"')
      // An unauthenticated client (or one whose body was refused unread) gets its answer and the connection closes, so
      // it cannot hold the connection open by trickling a body nobody will read.
      if (scimError.status === 401 || scimError.status === 413) reply.header('connection', 'close')
      return reply.code(scimError.status).type(SCIM_MEDIA_TYPE).send(scimError.toJSON())
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable; answered 503')
      const unavailable = new ScimError(503, 'Roster\'s database is unavailable right now, so the request was not completed; it can be retried shortly.')
      return reply.code(503).header('retry-after', '5').type(SCIM_MEDIA_TYPE).send(unavailable.toJSON())
    }
    request.log.error({ err: error }, 'unexpected error on the SCIM surface')
    const internal = new ScimError(500, `Roster failed to handle the request (request id ${request.id}); the operators have the details in the logs.`)
    return reply.code(500).type(SCIM_MEDIA_TYPE).send(internal.toJSON())
  }
}
