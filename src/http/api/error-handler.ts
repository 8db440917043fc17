import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { FeedCursorExpired } from '../../events/feed.js'
import { isDatabaseUnavailable } from '../../lib/database-unavailable.js'
import { DomainError, type DomainErrorCode, type DomainErrorReason } from '../../lib/domain-error.js'
import { ScimError } from '../../scim/errors.js'
import { ApiProblem, PROBLEM_MEDIA_TYPE, type InvalidParam, type ProblemKind } from './problem.js'

const DOMAIN_KINDS: Record<DomainErrorCode, ProblemKind> = {
  not_found: 'not-found',
  conflict: 'conflict',
  invalid: 'invalid-request',
  forbidden: 'forbidden',
}

/** Refusals a client must tell apart from others of the same code get their own problem type. */
const DOMAIN_REASON_KINDS: Record<DomainErrorReason, ProblemKind> = {
  role_managed_by_identity_provider: 'role-managed-by-identity-provider',
}

const LOCATION_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' }

/** Fastify's schema errors, one per field: `query.limit`, `body.url`, `body` for a missing-property error at the top. */
function invalidParams(error: FastifyError): InvalidParam[] {
  const where = LOCATION_NAMES[error.validationContext ?? 'body'] ?? 'body'
  return (error.validation ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: string } | undefined)?.missingProperty
    const extra = (issue.params as { additionalProperty?: string } | undefined)?.additionalProperty
    const path = issue.instancePath.split('/').filter(Boolean)
    if (missing) path.push(missing)
    if (extra) path.push(extra)
    const field = [where, ...path].join('.')
    const detail = missing ? 'is required' : extra ? 'is not a known field' : (issue.message ?? 'is invalid')
    return { field, detail }
  })
}

function fromFrameworkError(error: FastifyError, maxBodyBytes: number): ApiProblem | undefined {
  if (error.validation) {
    const errors = invalidParams(error)
    const summary = errors.map((e) => `${e.field} ${e.detail}`).join('; ')
    return new ApiProblem('invalid-request', `The request has invalid fields: ${summary}.`, errors)
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiProblem('payload-too-large', `The request body is larger than ${maxBodyBytes} bytes, Roster's limit (MAX_BODY_BYTES).`)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiProblem('invalid-request', 'The request body is empty; send a JSON object.')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiProblem('invalid-request', `The request body is not valid JSON: ${error.message}`)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiProblem('unsupported-media-type', 'Send the body as application/json.')
  }
  if (error instanceof SyntaxError) return new ApiProblem('invalid-request', `The request body is not valid JSON: ${error.message}`)
  const status = error.statusCode
  if (status && status >= 400 && status < 500) return new ApiProblem(status === 404 ? 'not-found' : 'invalid-request', error.message)
  return undefined
}

/** The SCIM domain (groups) refuses with ScimError; on this surface it becomes the matching problem kind. */
function fromScimError(error: ScimError): ApiProblem | undefined {
  if (error.status === 404) return new ApiProblem('not-found', error.message)
  if (error.status === 409) return new ApiProblem('conflict', error.message)
  if (error.status === 412) return new ApiProblem('precondition-failed', error.message)
  if (error.status === 400) return new ApiProblem('invalid-request', error.message)
  return undefined
}

function toProblem(error: FastifyError, maxBodyBytes: number): ApiProblem | undefined {
  if (error instanceof ApiProblem) return error
  if (error instanceof DomainError) return new ApiProblem(error.reason ? DOMAIN_REASON_KINDS[error.reason] : DOMAIN_KINDS[error.code], error.message)
  if (error instanceof ScimError) return fromScimError(error)
  if (error instanceof FeedCursorExpired) return new ApiProblem('cursor-expired', error.message)
  return fromFrameworkError(error, maxBodyBytes)
}

/** The one error handler of /api/v1: every error is RFC 9457 problem+json; only a bug is a 500. */
export function apiErrorHandler(maxBodyBytes: number) {
  return function handleApiError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    let problem = toProblem(error, maxBodyBytes)
    if (!problem && isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable; answered 503')
      reply.header('retry-after', '5')
      problem = new ApiProblem('service-unavailable', "Roster's database is unavailable right now, so nothing was changed; retry shortly.")
    }
    if (!problem) {
      request.log.error({ err: error }, 'unexpected error on /api/v1')
      problem = new ApiProblem('internal', `Roster failed to handle the request (request id ${request.id}); the operators have the details in the logs.`)
    } else if (problem.status < 500) {
      request.log.info({ status: problem.status, type: problem.kind, detail: problem.message }, 'API client error')
    }
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="Roster API"')
    return reply.code(problem.status).type(PROBLEM_MEDIA_TYPE).send(problem.body(request.url.split('?')[0]))
  }
}
