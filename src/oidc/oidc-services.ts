import type { Clock } from '../lib/clock.js'
import type { SamlSignIn } from '../sso/saml/saml-sign-in.js'
import { OidcAuthorizations } from './authorizations.js'
import { OidcClients } from './oidc-clients.js'
import type { OidcSettings } from './oidc-settings.js'
import { OrgDomains, systemTxtResolver, type TxtResolver } from './org-domains.js'
import { SigningKeys } from './signing-keys.js'
import type { OidcServicesStore } from './store.js'
import { OidcTokens } from './tokens.js'

export interface OidcServices {
  settings: OidcSettings
  clients: OidcClients
  keys: SigningKeys
  domains: OrgDomains
  authorizations: OidcAuthorizations
  tokens: OidcTokens
}

/** Builds the provider's services over one store (app.ts for the HTTP surfaces; the CLI without SAML). */
export function oidcServices(
  store: OidcServicesStore,
  clock: Clock,
  settings: OidcSettings,
  options: { saml: SamlSignIn; allowPrivateUrls: boolean; resolveTxt?: TxtResolver; clients?: OidcClients; domains?: OrgDomains },
): OidcServices {
  const clients = options.clients ?? new OidcClients(store, clock, { allowPrivateUrls: options.allowPrivateUrls })
  const keys = new SigningKeys(store, clock)
  const domains = options.domains ?? new OrgDomains(store, clock, options.resolveTxt ?? systemTxtResolver)
  return {
    settings,
    clients,
    keys,
    domains,
    authorizations: new OidcAuthorizations(store, clients, domains, options.saml, clock, settings, keys),
    tokens: new OidcTokens(store, clients, keys, clock, settings),
  }
}
