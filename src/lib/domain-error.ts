/** Why a domain operation was refused, independent of any HTTP surface. */
export type DomainErrorCode = 'not_found' | 'conflict' | 'invalid' | 'forbidden'

/**
 * An expected refusal of the organizations domain (unknown organization, too many tokens, …), with a message an
 * admin can act on. Surfaces map it to their own error shapes; the CLI prints the message.
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode
  constructor(code: DomainErrorCode, message: string) {
    super(message)
    this.name = 'DomainError'
    this.code = code
  }
}
