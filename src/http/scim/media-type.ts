import type { FastifyInstance } from 'fastify'
import { ScimError } from '../../scim/errors.js'
import { assertWellFormedText } from '../../scim/well-formed-text.js'

/** RFC 7644 §3.1: SCIM responses are application/scim+json. */
export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8'

/**
 * Parses request bodies as JSON whatever their declared type: Entra sends `application/scim+json; charset=utf-8`
 * (azure-docs#12728), other clients `application/json` or a bare type, and refusing them helps nobody. Fastify's
 * parser keeps its prototype-poisoning protection.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    // A GET or DELETE with a Content-Type but no body is normal; a POST without one fails later, in coercion.
    const text = String(body)
    if (text.trim() === '') return done(null, undefined)
    parseJson(request, text, (error, parsed) => {
      if (error) return done(explainJsonError(text), undefined)
      // Only a \u escape can carry an unpaired surrogate (decoded UTF-8 cannot), so most bodies skip the walk.
      try {
        if (text.includes('\\u')) assertWellFormedText(parsed)
      } catch (refusal) {
        return done(refusal as Error, undefined)
      }
      done(null, parsed)
    })
  })
}

/** Fastify's parser says only "not valid JSON"; tell the client where it broke, or that it smuggled a prototype key. */
function explainJsonError(text: string): ScimError {
  try {
    JSON.parse(text)
  } catch (error) {
    return ScimError.invalidSyntax(`The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`)
  }
  return ScimError.invalidSyntax('The request body has a "__proto__" or "constructor.prototype" key, which Roster refuses (prototype poisoning).')
}
