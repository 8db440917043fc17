import { resolveTxt } from 'node:dns/promises'
import type { Clock } from '../lib/clock.js'
import { DomainError } from '../lib/domain-error.js'
import { randomBase32 } from '../lib/ids.js'
import type { OrgStore } from '../orgs/store.js'
import type { OidcStore } from './store.js'
import type { OrgDomain } from './types.js'

/** Looks up a name's TXT records (node:dns/promises `resolveTxt`); tests inject a stub, nothing else is replaced. */
export type TxtResolver = (name: string) => Promise<string[][]>

export const systemTxtResolver: TxtResolver = (name) => resolveTxt(name)

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/** The host names a TXT record is looked for at: `_roster.<domain>` first, then the domain itself. */
export const verificationNames = (domain: string): string[] => [`_roster.${domain}`, domain]

/**
 * Domains an organization claims, so that an OIDC `login_hint` email picks the organization. A claim counts only once
 * verified: Roster shows a random `roster-verification=…` value, the organization publishes it as a DNS TXT record at
 * `_roster.<domain>` (or at the domain), and `verify` looks it up. One organization holds a verified domain.
 */
export class OrgDomains {
  constructor(
    private readonly store: OidcStore & Pick<OrgStore, 'findOrganization'>,
    private readonly clock: Clock,
    private readonly resolver: TxtResolver = systemTxtResolver,
  ) {}

  async add(orgId: string, rawDomain: string): Promise<OrgDomain> {
    await this.requireOrg(orgId)
    const domain = rawDomain.trim().toLowerCase().replace(/\.$/, '')
    if (!DOMAIN.test(domain)) throw new DomainError('invalid', `"${rawDomain}" is not a domain name like example.com.`)
    const existing = (await this.store.listOrgDomains(orgId)).find((d) => d.domain === domain)
    if (existing) return existing
    const record: OrgDomain = {
      id: `dom_${randomBase32(24)}`,
      orgId,
      domain,
      verificationValue: `roster-verification=${randomBase32(32)}`,
      verifiedAt: null,
      createdAt: this.clock.now().toISOString(),
    }
    await this.store.insertOrgDomain(record)
    return record
  }

  async list(orgId: string): Promise<OrgDomain[]> {
    await this.requireOrg(orgId)
    return this.store.listOrgDomains(orgId)
  }

  /** Looks for the TXT record now; marks the claim verified when found. Refuses when another organization holds it. */
  async verify(orgId: string, id: string): Promise<OrgDomain> {
    const claim = await this.get(orgId, id)
    if (claim.verifiedAt) return claim
    const holder = await this.store.findVerifiedOrgDomain(claim.domain)
    if (holder && holder.orgId !== orgId) throw new DomainError('conflict', `${claim.domain} is already verified by another organization.`)
    const seen: string[] = []
    for (const name of verificationNames(claim.domain)) {
      try {
        // A TXT record may be split in 255-byte strings: each record's chunks are joined before comparing.
        seen.push(...(await this.resolver(name)).map((chunks) => chunks.join('')))
      } catch {
        // NXDOMAIN / no data at one name: look at the other.
      }
      if (seen.includes(claim.verificationValue)) {
        await this.store.markOrgDomainVerified(claim.id, this.clock.now().toISOString())
        return this.get(orgId, id)
      }
    }
    throw new DomainError(
      'invalid',
      `No TXT record "${claim.verificationValue}" was found at _roster.${claim.domain} or ${claim.domain}. Publish it in DNS, wait for it to propagate, then verify again.`,
    )
  }

  async remove(orgId: string, id: string): Promise<void> {
    await this.requireOrg(orgId)
    if (!(await this.store.deleteOrgDomain(orgId, id))) throw new DomainError('not_found', `The organization has no domain ${id}.`)
  }

  /** The organization that verified the domain of `email`, if any. */
  async orgOfEmail(email: string): Promise<string | undefined> {
    const at = email.lastIndexOf('@')
    if (at < 1) return undefined
    const domain = email.slice(at + 1).trim().toLowerCase()
    if (!DOMAIN.test(domain)) return undefined
    return (await this.store.findVerifiedOrgDomain(domain))?.orgId
  }

  private async get(orgId: string, id: string): Promise<OrgDomain> {
    await this.requireOrg(orgId)
    const claim = await this.store.findOrgDomain(orgId, id)
    if (!claim) throw new DomainError('not_found', `The organization has no domain ${id}.`)
    return claim
  }

  private async requireOrg(orgId: string): Promise<void> {
    if (!(await this.store.findOrganization(orgId))) throw new DomainError('not_found', `No organization ${orgId}.`)
  }
}
