import { bodyField, describeAnswer, type HttpAnswer, type ScimClient } from './scim-client.js'
import type { BenchRequest } from './scim-requests.js'

/** Returns what is wrong with an answer, or undefined when it is what the scenario relies on. */
export type Expectation = (answer: HttpAnswer) => string | undefined

/** One request answered before a scenario's load, so a fast error page is never reported as throughput. */
export interface SanityCheck {
  request: BenchRequest
  expect: Expectation
}

export const expectStatus =
  (...allowed: number[]): Expectation =>
  (answer) =>
    allowed.includes(answer.status) ? undefined : `expected status ${allowed.join(' or ')}`

/** A ListResponse (RFC 7644 §3.4.2) with `totalResults` results, the first with `firstId` if given. */
export const expectList =
  (totalResults: number, firstId?: string): Expectation =>
  (answer) => {
    if (answer.status !== 200) return 'expected status 200'
    if (bodyField(answer, 'totalResults') !== totalResults) return `expected totalResults ${totalResults}`
    const resources = bodyField(answer, 'Resources')
    if (!Array.isArray(resources)) return 'expected a Resources array'
    if (firstId === undefined) return undefined
    const first: unknown = resources[0]
    const id = first !== null && typeof first === 'object' ? (first as Record<string, unknown>).id : undefined
    return id === firstId ? undefined : `expected Resources[0].id ${firstId}`
  }

/** A single resource with this id; `withoutKey` must be absent (excludedAttributes, RFC 7644 §3.9). */
export const expectResource =
  (id: string, expectedStatus = 200, withoutKey?: string): Expectation =>
  (answer) => {
    if (answer.status !== expectedStatus) return `expected status ${expectedStatus}`
    if (bodyField(answer, 'id') !== id) return `expected id ${id}`
    if (withoutKey !== undefined && bodyField(answer, withoutKey) !== undefined) return `expected no "${withoutKey}" attribute`
    return undefined
  }

/** A created resource: 201 with a string id (RFC 7644 §3.3). */
export const expectCreated: Expectation = (answer) =>
  answer.status === 201 && typeof bodyField(answer, 'id') === 'string' ? undefined : 'expected 201 with an id'

/** Runs the checks in order; returns the first problem as a readable line, or undefined. */
export async function runSanityChecks(client: ScimClient, checks: readonly SanityCheck[]): Promise<string | undefined> {
  for (const check of checks) {
    let answer: HttpAnswer
    try {
      answer = await client.send(check.request)
    } catch (error) {
      return `${check.request.method} ${check.request.path} failed: ${error instanceof Error ? error.message : String(error)}`
    }
    const problem = check.expect(answer)
    if (problem !== undefined) return `${problem}: ${describeAnswer(check.request, answer)}`
  }
  return undefined
}
