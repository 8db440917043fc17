import assert from 'node:assert/strict'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FastifyInstance, InjectOptions } from 'fastify'

type Operation = { responses?: Record<string, { content?: Record<string, { schema: object }> }> }
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> }

/**
 * Checks real responses against the served OpenAPI document: the route's declared status, content type and body
 * schema. Every API test sends its requests through `request()`, so the document cannot drift from the code.
 */
export class OpenApiValidator {
  readonly #document: OpenApiDocument
  readonly #ajv: Ajv2020
  readonly #compiled = new Map<string, ValidateFunction>()
  readonly #templates: Array<{ template: string; pattern: RegExp }>
  checked = 0

  constructor(document: OpenApiDocument) {
    assert.equal(document.openapi, '3.1.0')
    this.#document = document
    this.#ajv = new Ajv2020({ strict: false, allErrors: true })
    ;(addFormats as unknown as (ajv: unknown) => void)(this.#ajv)
    this.#templates = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
  }

  static async load(app: FastifyInstance): Promise<OpenApiValidator> {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
    assert.equal(response.statusCode, 200)
    return new OpenApiValidator(response.json())
  }

  /** Asserts that the response is one the document declares for this operation. */
  check(method: string, url: string, status: number, contentType: string | undefined, body: string): void {
    const path = url.split('?')[0]!
    const matches = this.#templates.filter((t) => t.pattern.test(path))
    // A literal segment beats a parameter (/organizations/{orgId}/settings vs …/groups/{groupId}).
    const match = matches.sort((a, b) => b.template.split('{').length - a.template.split('{').length).pop()
    assert.ok(match, `${method} ${path} is not in the OpenAPI document`)
    const operation = this.#document.paths[match.template]![method.toLowerCase()]
    assert.ok(operation, `${method} ${match.template} is not in the OpenAPI document`)
    const declared = operation.responses?.[String(status)]
    assert.ok(declared, `${method} ${match.template} answered ${status}, which the document does not declare (${Object.keys(operation.responses ?? {})})`)
    if (status === 204) return
    const mediaType = (contentType ?? '').split(';')[0]!.trim()
    const content = declared.content?.[mediaType]
    assert.ok(content, `${method} ${match.template} ${status} answered ${mediaType}, declared ${Object.keys(declared.content ?? {})}`)
    const key = `${method} ${match.template} ${status} ${mediaType}`
    let validate = this.#compiled.get(key)
    if (!validate) {
      validate = this.#ajv.compile(content.schema)
      this.#compiled.set(key, validate)
    }
    const valid = validate(JSON.parse(body))
    assert.ok(valid, `${key}: ${this.#ajv.errorsText(validate.errors)}\n${body.slice(0, 500)}`)
    this.checked++
  }
}

/** An /api/v1 client over inject() whose every response is checked against the OpenAPI document. */
export function apiClient(app: FastifyInstance, validator: OpenApiValidator) {
  return async function request(method: InjectOptions['method'], url: string, key: string | undefined, body?: unknown, options: { check?: boolean } = {}) {
    const response = await app.inject({
      method,
      url,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    })
    if (options.check !== false) validator.check(String(method), url, response.statusCode, response.headers['content-type'] as string, response.body)
    return { status: response.statusCode, body: response.body ? (response.json() as any) : undefined, headers: response.headers }
  }
}
