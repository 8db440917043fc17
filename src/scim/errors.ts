/** SCIM error types, RFC 7644 §3.12 Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2.3: cursor paging's own error types.
  | 'invalidCursor'
  | 'expiredCursor'

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

/** RFC 7644 §3.12 lists every scimType under 400, and §3.3 requires 409 for uniqueness. */
const statusOf = (type: ScimType): number => (type === 'uniqueness' ? 409 : 400)

export interface ScimErrorBody {
  schemas: string[]
  status: string
  scimType?: ScimType
  detail: string
}

/**
 * The one error type of the SCIM surface. Every client error is one of these, and the HTTP
 * layer renders it with `toJSON()`; anything else reaching the error handler is a bug (500).
 */
export class ScimError extends Error {
  readonly status: number
  readonly scimType: ScimType | undefined

  constructor(status: number, detail: string, scimType?: ScimType, options?: ErrorOptions) {
    super(detail, options)
    this.name = 'ScimError'
    this.status = status
    this.scimType = scimType
  }

  static of(type: ScimType, detail: string, options?: ErrorOptions): ScimError {
    return new ScimError(statusOf(type), detail, type, options)
  }
  static invalidFilter(detail: string): ScimError {
    return ScimError.of('invalidFilter', detail)
  }
  static invalidPath(detail: string): ScimError {
    return ScimError.of('invalidPath', detail)
  }
  static invalidValue(detail: string): ScimError {
    return ScimError.of('invalidValue', detail)
  }
  static invalidSyntax(detail: string): ScimError {
    return ScimError.of('invalidSyntax', detail)
  }
  static uniqueness(detail: string): ScimError {
    return ScimError.of('uniqueness', detail)
  }
  static mutability(detail: string): ScimError {
    return ScimError.of('mutability', detail)
  }
  static noTarget(detail: string): ScimError {
    return ScimError.of('noTarget', detail)
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, detail)
  }
  static unauthorized(detail: string): ScimError {
    return new ScimError(401, detail)
  }
  static forbidden(detail: string): ScimError {
    return new ScimError(403, detail)
  }
  static methodNotAllowed(detail: string): ScimError {
    return new ScimError(405, detail)
  }
  static payloadTooLarge(detail: string): ScimError {
    return new ScimError(413, detail)
  }
  static unsupportedMediaType(detail: string): ScimError {
    return new ScimError(415, detail)
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError(501, detail)
  }

  toJSON(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.message }
    if (this.scimType) body.scimType = this.scimType
    return body
  }
}

export const isScimError = (error: unknown): error is ScimError => error instanceof ScimError
