/** Why a domain operation was refused, independent of any HTTP surface. */
export type DomainErrorCode = 'not_found' | 'conflict' | 'invalid' | 'forbidden'
/** Reasons finer than the code, for refusals a client must tell apart from others of the same code. */
export type DomainErrorReason = 'role_managed_by_identity_provider'

/**
 * An expected refusal of the organizations domain (unknown organization, too many tokens, …), with a message an
 * admin can act on. Surfaces map it to their own error shapes; the CLI prints the message.
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode
  /** A finer, stable reason some surfaces name on their own (the API's problem type), e.g. `role_managed_by_identity_provider`. */
  readonly reason: DomainErrorReason | undefined
  constructor(code: DomainErrorCode, message: string, reason?: DomainErrorReason) {
    super(message)
    this.name = 'DomainError'
    this.code = code
    this.reason = reason
  }
}
