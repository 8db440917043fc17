import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

/** Where the SCIM surface is mounted (the Tenant URL's path). */
export const SCIM_BASE = '/org/scim/v2'

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
export const MODERNLOOP_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:modernloop:2.0:User'
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

/** What Entra sends on every request with a body (field guide §1.1, azure-docs#12728). */
export const ENTRA_CONTENT_TYPE = 'application/scim+json; charset=utf-8'

export interface ScimEmail {
  value?: string
  type?: string
  primary?: boolean
  [subAttribute: string]: unknown
}

/** The parts of a User response the tests read; everything else is reachable through the index signature. */
export interface ScimUserBody {
  schemas: string[]
  id: string
  userName: string
  externalId?: string
  displayName?: string
  nickName?: string
  active?: boolean
  name?: Record<string, string | null>
  emails?: ScimEmail[]
  roles?: Record<string, unknown>[]
  modernloopRole?: string
  meta: { resourceType: string; created: string; lastModified: string; location: string; version?: string }
  [attribute: string]: unknown
}

export interface ListBody<T = ScimUserBody> {
  schemas: string[]
  totalResults: number
  Resources: T[]
  startIndex: number
  itemsPerPage: number
}

export interface ScimErrorBody {
  schemas: string[]
  status: string
  scimType?: string
  detail: string
}

export type PatchOperation = { op: string; path?: string; value?: unknown }

/** A PatchOp body as Entra sends it (field guide §1.5). */
export const patchBody = (...operations: PatchOperation[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations })

/** A userName no other test uses, in UPN form as Entra maps userPrincipalName. */
export const uniqueUserName = (prefix = 'user'): string => `${prefix}.${randomUUID().slice(0, 8)}@contoso.test`

/** The create request of the field guide §1.4, literal except for fresh ids. */
export function entraCreateBody(userName = uniqueUserName(), overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    externalId: randomUUID(),
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: `mail.${userName}` }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
    ...overrides,
  }
}

/** The role of a user as Roster shows it in its extension. */
export function extensionRole(user: ScimUserBody): unknown {
  const extension = user[MODERNLOOP_USER_SCHEMA]
  return extension && typeof extension === 'object' ? (extension as Record<string, unknown>).modernloopRole : undefined
}

/**
 * Talks to the SCIM surface through `app.inject()` the way Entra does: bearer token, `application/scim+json;
 * charset=utf-8` on bodies, no User-Agent (field guide §1.1, kortix-ai/suna#7297).
 */
export class ScimClient {
  constructor(
    readonly app: FastifyInstance,
    readonly token: string,
  ) {}

  /** `path` is relative to the Tenant URL (`/Users?filter=…`). A string body is sent verbatim. */
  async send(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers: Record<string, string | undefined> = {}): Promise<LightMyRequestResponse> {
    const requestHeaders: Record<string, string | undefined> = { authorization: `Bearer ${this.token}`, 'user-agent': undefined }
    if (body !== undefined) requestHeaders['content-type'] = ENTRA_CONTENT_TYPE
    Object.assign(requestHeaders, headers)
    for (const [name, value] of Object.entries(requestHeaders)) {
      if (value === undefined && name !== 'user-agent' && name !== 'content-type') delete requestHeaders[name]
    }
    return this.app.inject({
      method,
      url: `${SCIM_BASE}${path}`,
      headers: requestHeaders,
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
  }

  get(path: string, headers?: Record<string, string | undefined>) {
    return this.send('GET', path, undefined, headers)
  }

  async createUser(body: Record<string, unknown> = entraCreateBody()): Promise<ScimUserBody> {
    const response = await this.send('POST', '/Users', body)
    assert.equal(response.statusCode, 201, `POST /Users should be 201: ${response.body}`)
    return response.json<ScimUserBody>()
  }

  async getUser(id: string): Promise<ScimUserBody> {
    const response = await this.get(`/Users/${id}`)
    assert.equal(response.statusCode, 200, `GET /Users/${id} should be 200: ${response.body}`)
    return response.json<ScimUserBody>()
  }

  patchUser(id: string, ...operations: PatchOperation[]) {
    return this.send('PATCH', `/Users/${id}`, patchBody(...operations))
  }

  /** PATCH that must succeed; returns the user as a following GET shows it (what Entra reads next cycle). */
  async patchUserOk(id: string, ...operations: PatchOperation[]): Promise<ScimUserBody> {
    const response = await this.patchUser(id, ...operations)
    assert.ok(response.statusCode === 200 || response.statusCode === 204, `PATCH should be 200/204, got ${response.statusCode}: ${response.body}`)
    return this.getUser(id)
  }

  async list(query: string): Promise<ListBody> {
    const response = await this.get(`/Users?${query}`)
    assert.equal(response.statusCode, 200, `GET /Users?${query} should be 200: ${response.body}`)
    return response.json<ListBody>()
  }

  /** Entra's matching query: `filter=userName eq "<value>"`, URL-encoded with + for spaces (field guide §1.4). */
  filterQuery(expression: string): string {
    return `filter=${encodeURIComponent(expression).replace(/%20/g, '+')}`
  }

  findUsers(expression: string): Promise<ListBody> {
    return this.list(this.filterQuery(expression))
  }
}

/**
 * Asserts an RFC 7644 §3.12 error: the status, `application/scim+json`, the Error schema, `status` as a string (as
 * Microsoft's examples), the expected `scimType` (or none), and a non-empty `detail` for the IT admin.
 */
export function assertScimError(response: LightMyRequestResponse, status: number, scimType?: string): ScimErrorBody {
  assert.equal(response.statusCode, status, `expected ${status}, got ${response.statusCode}: ${response.body}`)
  assert.match(String(response.headers['content-type']), /^application\/scim\+json/)
  const body = response.json<ScimErrorBody>()
  assert.deepEqual(body.schemas, [ERROR_SCHEMA])
  assert.equal(body.status, String(status))
  if (scimType === undefined) assert.equal(body.scimType, undefined, `unexpected scimType ${body.scimType}`)
  else assert.equal(body.scimType, scimType, `scimType: ${body.detail}`)
  assert.equal(typeof body.detail, 'string')
  assert.ok(body.detail.trim().length > 10, `detail should tell the admin what to fix: "${body.detail}"`)
  return body
}

/** Asserts a SCIM success response: the status and the `application/scim+json` media type (RFC 7644 §3.1). */
export function assertScimResponse(response: LightMyRequestResponse, status: number): void {
  assert.equal(response.statusCode, status, `expected ${status}, got ${response.statusCode}: ${response.body}`)
  if (status !== 204) assert.match(String(response.headers['content-type']), /^application\/scim\+json/)
}
