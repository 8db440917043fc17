import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { randomBase32 } from '../lib/ids.js'
import { randomSecret, secretMatches, sha256Hex } from '../lib/tokens.js'
import { checkWebhookUrl } from '../events/webhooks/address-guard.js'
import type { OidcStore } from './store.js'
import type { OidcClient } from './types.js'

export interface NewOidcClient {
  name: string
  redirectUris: string[]
  backchannelLogoutUri?: string | null
}

/** The client as shown to operators: never the secret hash. */
export type OidcClientView = Omit<OidcClient, 'secretHash'>

export const viewOfClient = ({ secretHash: _hash, ...view }: OidcClient): OidcClientView => view

const MAX_REDIRECT_URIS = 20

/**
 * A redirect URI Roster will send codes to: absolute, no fragment (RFC 6749 §3.1.2), https, or http only to a loopback
 * host (a developer's machine, RFC 8252 §7.3). Compared later character for character, never by prefix.
 */
export function checkRedirectUri(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new DomainError('invalid', `"${raw}" is not an absolute URL; give the full https:// address of your app's callback.`)
  }
  if (url.hash !== '' || raw.includes('#')) throw new DomainError('invalid', `A redirect URI must not contain a fragment (#): "${raw}".`)
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new DomainError('invalid', `A redirect URI must use https (http only on 127.0.0.1, [::1] or localhost): "${raw}".`)
  }
  if (url.username || url.password) throw new DomainError('invalid', `A redirect URI must not carry a user name or password: "${raw}".`)
  return raw
}

/**
 * The host product's OIDC clients: created with a secret shown once and stored as SHA-256, authenticated in constant
 * time. The back-channel logout URI follows the webhook address policy (https, public addresses unless
 * WEBHOOK_ALLOW_PRIVATE_URLS), since Roster POSTs to it from the server.
 */
export class OidcClients {
  constructor(
    private readonly store: OidcStore,
    private readonly clock: Clock,
    private readonly options: { allowPrivateUrls: boolean },
  ) {}

  async create(input: NewOidcClient): Promise<{ client: OidcClient; clientSecret: string }> {
    const name = input.name.trim()
    if (!name || name.length > 200) throw new DomainError('invalid', 'A client needs a name of 1 to 200 characters.')
    const redirectUris = [...new Set(input.redirectUris)]
    if (redirectUris.length === 0) throw new DomainError('invalid', 'A client needs at least one redirect URI (--redirect-uri).')
    if (redirectUris.length > MAX_REDIRECT_URIS) throw new DomainError('invalid', `A client has at most ${MAX_REDIRECT_URIS} redirect URIs.`)
    redirectUris.forEach(checkRedirectUri)
    const logout = input.backchannelLogoutUri ? checkWebhookUrl(input.backchannelLogoutUri, this.options.allowPrivateUrls) : null
    if (logout && logout.hash) throw new DomainError('invalid', 'A back-channel logout URI must not contain a fragment (#).')
    const clientSecret = `rcs_${randomSecret()}`
    const client: OidcClient = {
      id: `rpc_${randomBase32(24)}`,
      name,
      secretHash: sha256Hex(clientSecret),
      redirectUris,
      backchannelLogoutUri: logout ? input.backchannelLogoutUri! : null,
      createdAt: this.clock.now().toISOString(),
    }
    await this.store.insertOidcClient(client)
    return { client, clientSecret }
  }

  list(): Promise<OidcClient[]> {
    return this.store.listOidcClients()
  }

  async get(id: string): Promise<OidcClient> {
    const client = await this.store.findOidcClient(id)
    if (!client) throw new DomainError('not_found', `No OIDC client ${id}.`)
    return client
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.deleteOidcClient(id))) throw new DomainError('not_found', `No OIDC client ${id}.`)
  }

  /** The client when `secret` is its secret; undefined otherwise (hashing either way, so timing tells nothing). */
  async authenticate(id: string, secret: string): Promise<OidcClient | undefined> {
    const client = id.length <= 64 ? await this.store.findOidcClient(id) : undefined
    return secretMatches(secret, client?.secretHash) ? client : undefined
  }
}
