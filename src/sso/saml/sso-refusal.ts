/** Why a sign-in was refused: stable codes for logs, the provisioning log and tests. */
export type SsoRefusalReason =
  | 'unknown_connection'
  | 'malformed_response'
  | 'xml_doctype'
  | 'invalid_signature'
  | 'weak_signature_algorithm'
  | 'no_valid_certificate'
  | 'idp_error'
  | 'wrong_issuer'
  | 'wrong_tenant'
  | 'wrong_audience'
  | 'wrong_destination'
  | 'wrong_recipient'
  | 'expired'
  | 'unknown_request'
  | 'unsolicited'
  | 'replayed_assertion'
  | 'not_provisioned'
  | 'deactivated'
  | 'deleted_by_directory'
  | 'ambiguous_member'
  | 'relay_state_refused'

/** What the person trying to sign in reads, by kind of refusal (plain words; the log has the details). */
const PAGES = {
  broken: {
    title: 'Sign-in could not be completed',
    message:
      'The sign-in message from your identity provider could not be verified, so Roster did not sign you in. Start again from your sign-in page; if this keeps happening, ask your IT admin to check the single sign-on setup.',
  },
  account: {
    title: 'Your account cannot sign in',
    message: 'Your account is not provisioned in this organization or was deactivated. Ask your IT admin to give you access.',
  },
  startHere: {
    title: 'Start your sign-in at Roster',
    message: "Your organization accepts single sign-on only when it starts at Roster, not from your identity provider's app list. Open Roster and choose Sign in with SSO.",
  },
  reused: {
    title: 'This sign-in link was already used',
    message: 'For your safety a sign-in can be used once. Start again from your sign-in page.',
  },
} as const

export interface SsoPage {
  title: string
  message: string
}

const PAGE_OF: Record<SsoRefusalReason, keyof typeof PAGES> = {
  unknown_connection: 'broken',
  malformed_response: 'broken',
  xml_doctype: 'broken',
  invalid_signature: 'broken',
  weak_signature_algorithm: 'broken',
  no_valid_certificate: 'broken',
  idp_error: 'broken',
  wrong_issuer: 'broken',
  wrong_tenant: 'broken',
  wrong_audience: 'broken',
  wrong_destination: 'broken',
  wrong_recipient: 'broken',
  expired: 'reused',
  unknown_request: 'reused',
  unsolicited: 'startHere',
  replayed_assertion: 'reused',
  not_provisioned: 'account',
  deactivated: 'account',
  deleted_by_directory: 'account',
  ambiguous_member: 'account',
  relay_state_refused: 'broken',
}

/**
 * A refused sign-in. `detail` is for the log and the admin (never shown to the person); `page` is what they read.
 * Thrown by validation and matching, caught by the surface, which logs the reason and renders the page.
 */
export class SsoRefusal extends Error {
  readonly reason: SsoRefusalReason
  readonly detail: string
  /** The NameID of the refused login when the assertion was verified far enough to know it. */
  nameId: string | undefined
  memberId: string | undefined

  constructor(reason: SsoRefusalReason, detail: string, options: { cause?: unknown; nameId?: string; memberId?: string } = {}) {
    super(`${reason}: ${detail}`, { cause: options.cause })
    this.name = 'SsoRefusal'
    this.reason = reason
    this.detail = detail
    this.nameId = options.nameId
    this.memberId = options.memberId
  }

  get page(): SsoPage {
    if (this.reason === 'deactivated') {
      return { title: PAGES.account.title, message: 'Your account was deactivated in this organization. Ask your IT admin if you should have access.' }
    }
    if (this.reason === 'deleted_by_directory') {
      return {
        title: PAGES.account.title,
        message: "Your account was removed by your organization's directory, so Roster will not create it again when you sign in. Ask your IT admin if you should have access.",
      }
    }
    return PAGES[PAGE_OF[this.reason]]
  }
}

/** A refused attempt as the provisioning log (another module) records it. */
export interface RefusedAttempt {
  orgId: string | null
  connectionId: string
  reason: SsoRefusalReason
  detail: string
  nameId: string | null
  memberId: string | null
  at: string
}
