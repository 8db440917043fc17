import type { SpValues } from './types.js'

/** Where the SAML routes live; the HTTP plugin is mounted here. */
export const SSO_SAML_BASE_PATH = '/sso/saml'

/**
 * The service-provider values of one connection. Each connection has its own Identifier so that one Roster can be
 * added as a separate Enterprise app in every customer's tenant (a fixed value allows one instance per tenant).
 */
export function spValues(publicUrl: string, connectionId: string): SpValues {
  const base = `${publicUrl}${SSO_SAML_BASE_PATH}/${connectionId}`
  return { entityId: base, acsUrl: `${base}/acs`, signOnUrl: `${base}/start`, metadataUrl: `${base}/metadata` }
}
