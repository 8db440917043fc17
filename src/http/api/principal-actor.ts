import type { FastifyRequest } from 'fastify'
import type { Actor } from '../../directory/member-changes.js'
import { principalOf } from './principal.js'

/** Who made a change through /api/v1, as events record it: the API key's id, or the console member's id. */
export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request)
  return principal.kind === 'session' ? { kind: 'console', id: principal.memberId } : { kind: 'api', id: principal.keyId }
}
