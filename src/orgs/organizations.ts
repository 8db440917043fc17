import { DomainError } from '../lib/domain-error.js'
import type { Clock } from '../lib/clock.js'
import { newId } from '../lib/ids.js'
import type { OrgStore } from './store.js'
import type { Organization } from './types.js'

/** Organizations: the tenants. Everything else Roster stores belongs to exactly one. */
export class Organizations {
  readonly #store: OrgStore
  readonly #clock: Clock

  constructor(store: OrgStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  async create(name: string): Promise<Organization> {
    const trimmed = validName(name)
    const org: Organization = {
      id: newId('org'),
      name: trimmed,
      roleManagement: 'scim',
      createdAt: this.#clock.now().toISOString(),
    }
    await this.#store.insertOrganization(org)
    return org
  }

  /** The organization, or a `not_found` DomainError naming the id. */
  async get(id: string): Promise<Organization> {
    const org = await this.#store.findOrganization(id)
    if (!org) throw new DomainError('not_found', `No organization has the id "${id}".`)
    return org
  }

  find(id: string): Promise<Organization | undefined> {
    return this.#store.findOrganization(id)
  }

  list(): Promise<Organization[]> {
    return this.#store.listOrganizations()
  }

  /** One page in id order (the API's cursor paging). */
  page(page: { afterId?: string; limit: number }): Promise<Organization[]> {
    return this.#store.pageOrganizations(page)
  }

  async rename(id: string, name: string): Promise<Organization> {
    const trimmed = validName(name)
    if (!(await this.#store.renameOrganization(id, trimmed))) throw new DomainError('not_found', `No organization has the id "${id}".`)
    return this.get(id)
  }

  /** Deletes the organization with its members, groups, tokens, keys and webhooks. */
  async delete(id: string): Promise<void> {
    if (!(await this.#store.deleteOrganization(id))) throw new DomainError('not_found', `No organization has the id "${id}".`)
  }
}

function validName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed) throw new DomainError('invalid', 'An organization needs a name.')
  if (trimmed.length > 200) throw new DomainError('invalid', 'An organization name is at most 200 characters.')
  return trimmed
}
