/**
 * RFC 9457 problem details for /api/v1. Each kind of error has a stable `type` URI (a URN: it names the kind and is
 * never fetched), listed in the README's table, so clients branch on `type`, never on `detail`.
 */
export const PROBLEM_KINDS = {
  'invalid-request': { status: 400, title: 'The request is invalid' },
  'invalid-cursor': { status: 400, title: 'The paging cursor is not valid' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'This credential may not do that' },
  'not-found': { status: 404, title: 'No such resource' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'role-managed-by-identity-provider': { status: 409, title: "The organization's roles are managed by its identity provider" },
  'cursor-expired': { status: 410, title: 'The cursor points at events that retention has removed' },
  'precondition-failed': { status: 412, title: 'The resource changed since it was read' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send JSON' },
  'service-unavailable': { status: 503, title: 'Roster cannot serve this request right now' },
  internal: { status: 500, title: 'Roster failed to handle the request' },
} as const

export type ProblemKind = keyof typeof PROBLEM_KINDS

export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

export const problemType = (kind: ProblemKind): string => `urn:roster:problem:${kind}`

/** One invalid input, named by where it was (body, query, path) and its field path. */
export interface InvalidParam {
  field: string
  detail: string
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  errors?: InvalidParam[]
}

/** A client error of the API surface, thrown by routes and rendered by the one error handler. */
export class ApiProblem extends Error {
  readonly kind: ProblemKind
  readonly errors: InvalidParam[] | undefined

  constructor(kind: ProblemKind, detail: string, errors?: InvalidParam[]) {
    super(detail)
    this.name = 'ApiProblem'
    this.kind = kind
    this.errors = errors
  }

  get status(): number {
    return PROBLEM_KINDS[this.kind].status
  }

  body(instance?: string): ProblemBody {
    const { status, title } = PROBLEM_KINDS[this.kind]
    return {
      type: problemType(this.kind),
      title,
      status,
      detail: this.message,
      ...(instance === undefined ? {} : { instance }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    }
  }
}
