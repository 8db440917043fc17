import type { FastifyReply } from 'fastify'

/** The console's own endpoints answer errors as RFC 9457 problem+json, like /api/v1, with a detail that says what to do. */
export function sendProblem(reply: FastifyReply, status: number, code: string, title: string, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: `urn:roster:console:${code}`, title, status, detail, code })
}
