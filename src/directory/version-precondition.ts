import { ScimError } from '../scim/errors.js'

/**
 * The versions an If-Match header accepts (RFC 7644 §3.14; RFC 7232 §3.1: any listed one matches), or undefined for
 * no condition. An empty list never matches.
 */
export type VersionPrecondition = readonly number[] | undefined

/** 412 when the resource is no longer at a version the client named. */
export function checkPrecondition(resourceType: 'User' | 'Group', current: { version: number }, precondition: VersionPrecondition): void {
  if (precondition === undefined || precondition.includes(current.version)) return
  const named = precondition.length ? `version ${precondition.join(' or ')}` : 'the version named in If-Match'
  throw new ScimError(
    412,
    `The ${resourceType.toLowerCase()} changed since ${named} (it is now version ${current.version}); read it again and retry.`,
  )
}
