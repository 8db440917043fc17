/** A SAML identity provider connected to one organization (Entra's Enterprise application, seen from Roster). */
export interface SamlConnection {
  id: string
  orgId: string
  /** The IdP's entity ID; for Entra `https://sts.windows.net/{tenant-id}/`. Every assertion's Issuer must equal it. */
  idpEntityId: string
  /** Where SP-initiated logins are sent (HTTP-Redirect binding); for Entra `https://login.microsoftonline.com/{tid}/saml2`. */
  idpSsoUrl: string
  /** PEM certificates any one of which may sign (several during Entra's certificate rollover). */
  idpCertificates: string[]
  /** Entra's tenant id; when set, the assertion's `tenantid` claim must equal it. Derived from an sts.windows.net entity ID. */
  tenantId: string | null
  /** Entra's App Federation Metadata Url, when the connection follows it (refreshed in the background). */
  metadataUrl: string | null
  metadataRefreshedAt: string | null
  /** Why the last refresh failed (the connection keeps its last good values), or null. */
  metadataError: string | null
  /** Lower-cased email domains whose people start SP-initiated logins here ("Sign in with SSO" by email). */
  emailDomains: string[]
  /** Whether logins started at the IdP (Entra's My Apps, "Test this application") are accepted. */
  allowIdpInitiated: boolean
  /**
   * Just-in-time creation of members at first login (`source: sso`, role INTERVIEWER); off by default. Never re-creates a
   * person the directory deleted (resolve-member.ts).
   */
  jitEnabled: boolean
  createdAt: string
  updatedAt: string
}

/** What the IdP's metadata (or an admin by hand) tells Roster. */
export interface IdpSettings {
  idpEntityId: string
  idpSsoUrl: string
  idpCertificates: string[]
}

/** The values an admin pastes into Entra's Basic SAML Configuration, and where Roster serves its SP metadata. */
export interface SpValues {
  /** Entra: Identifier (Entity ID). Also the Audience every assertion must name. */
  entityId: string
  /** Entra: Reply URL (Assertion Consumer Service URL). Responses must name it as Destination and Recipient. */
  acsUrl: string
  /** Entra: Sign on URL (starts an SP-initiated login). */
  signOnUrl: string
  metadataUrl: string
}

/** A SAML login Roster has verified and matched to a member: what `completeLogin` receives. */
export interface VerifiedLogin {
  orgId: string
  connectionId: string
  memberId: string
  nameId: string
  sessionIndex: string | null
  /** When the IdP authenticated the person (the assertion's AuthnInstant), or null when it did not say. */
  authnInstant: string | null
  /** The assertion's attributes by claim name (string or string[], as Entra sends them). */
  attributes: Record<string, string | string[]>
  /** A Roster-relative URL to land on, already checked (relay-state.ts), or null. */
  relayState: string | null
}
