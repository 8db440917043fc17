import { Page } from '../components/page'

/** Organization settings → Single sign-on: the SAML connection arrives with issue #9; this page says so plainly. */
export function SingleSignOnPage() {
  return (
    <Page title="Single sign-on" lead="Let members sign in to the console with Microsoft Entra ID (SAML).">
      <p class="empty">
        Single sign-on is not available in this Roster version yet. Until it is, admins sign in with a one-time link from
        the operator's CLI.
      </p>
    </Page>
  )
}
