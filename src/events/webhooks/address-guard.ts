import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import ipaddr from 'ipaddr.js'
import { DomainError } from '../../lib/domain-error.js'

/**
 * Keeps Roster from being used to reach internal services (SSRF): a webhook must be https to a public address unless
 * WEBHOOK_ALLOW_PRIVATE_URLS=true. The address is checked as typed and again as resolved when connecting (a public
 * name can point at 127.0.0.1), through the `lookup` hook of the HTTP request, so the checked address is the one used.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  // ipaddr.js names every special range (private, loopback, linkLocal, uniqueLocal, carrierGradeNat, reserved, …).
  return parsed.range() === 'unicast'
}

/** The URL as Roster will call it, or a DomainError (invalid) saying what is refused and why. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new DomainError('invalid', `"${raw}" is not a URL; give the full https:// address of the receiver.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainError('invalid', 'A webhook URL must start with https://.')
  if (url.username || url.password) throw new DomainError('invalid', 'A webhook URL must not carry a user name or password; receivers verify the signature instead.')
  if (allowPrivate) return url
  if (url.protocol !== 'https:') throw new DomainError('invalid', 'A webhook URL must use https (http is allowed only with WEBHOOK_ALLOW_PRIVATE_URLS=true).')
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost') || (ipaddr.isValid(host) && !isPublicAddress(host))) {
    throw new DomainError('invalid', `A webhook URL must point at a public address, not ${host} (private and loopback addresses need WEBHOOK_ALLOW_PRIVATE_URLS=true).`)
  }
  return url
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** A `lookup` for http(s).request that refuses names resolving to non-public addresses. */
export function guardedLookup(allowPrivate: boolean) {
  return function lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '')
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address))
      if (refused) {
        const denied: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused.address}, a private or loopback address; Roster does not call those (WEBHOOK_ALLOW_PRIVATE_URLS)`)
        denied.code = 'EADDRNOTALLOWED'
        return callback(denied, '')
      }
      if (options.all) return callback(null, addresses)
      return callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }
}
