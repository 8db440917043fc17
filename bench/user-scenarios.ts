import { randomUUID } from 'node:crypto'
import {
  createUser,
  findUserByUserName,
  getUser,
  replaceUserNames,
  setUserActive,
  testConnectionProbe,
  type BenchRequest,
  type SeededUser,
} from './scim-requests.js'
import { pickRandom } from './pick-random.js'
import { expectCreated, expectList, expectResource, expectStatus, type SanityCheck } from './sanity-checks.js'

/** A workload before it is bound to a port: how to build each request and how to check one first. */
export interface ScenarioDefinition {
  name: string
  label: string
  nextRequest: () => BenchRequest
  sanityChecks: SanityCheck[]
}

/** Share of each request kind in the Entra-like mix (the "say" split). */
export const ENTRA_MIX_WEIGHTS = { lookup: 50, patchReplace: 25, getById: 10, post: 10, probe: 5 } as const

/**
 * The Entra hot-path workloads over the seeded users. Users created by the POST workloads get
 * userNames unique to this run; `users` is only read, so the seeded population stays the lookup target.
 */
export class UserWorkloads {
  readonly #users: readonly SeededUser[]
  readonly #runTag: string
  #postedUsers = 0
  #renames = 0
  /** Users sent "False" and not yet "True": the active scenario re-enables them in order. */
  readonly #disabledUsers: SeededUser[] = []

  constructor(users: readonly SeededUser[], runTag: string) {
    if (users.length === 0) throw new Error('the user workloads need at least one seeded user')
    this.#users = users
    this.#runTag = runTag
  }

  /** How many users the POST workloads created so far (they grow the org during the run). */
  get postedUsers(): number {
    return this.#postedUsers
  }

  readonly #nextPostedUserName = (): string => `bench.${this.#runTag}.post.${this.#postedUsers++}@example.com`
  readonly #nextRename = (): BenchRequest => replaceUserNames(pickRandom(this.#users).id, `${this.#renames++}`)

  /** Alternates "False" for a random user and "True" for the oldest user still disabled. */
  readonly #nextActiveToggle = (): BenchRequest => {
    const reEnable = this.#disabledUsers.length > 0 && (this.#disabledUsers.length > 64 || Math.random() < 0.5)
    if (reEnable) {
      const user = this.#disabledUsers.shift()
      if (user !== undefined) return setUserActive(user.id, true)
    }
    const user = pickRandom(this.#users)
    this.#disabledUsers.push(user)
    return setUserActive(user.id, false)
  }

  probe(): ScenarioDefinition {
    return {
      name: 'probe',
      label: 'Test Connection probe: userName eq <random guid>',
      nextRequest: testConnectionProbe,
      sanityChecks: [{ request: testConnectionProbe(), expect: expectList(0) }],
    }
  }

  lookup(name = 'lookup', label = 'userName eq <existing user>'): ScenarioDefinition {
    const sample = pickRandom(this.#users)
    return {
      name,
      label,
      nextRequest: () => findUserByUserName(pickRandom(this.#users).userName),
      sanityChecks: [{ request: findUserByUserName(sample.userName), expect: expectList(1, sample.id) }],
    }
  }

  getById(): ScenarioDefinition {
    const sample = pickRandom(this.#users)
    return {
      name: 'get-by-id',
      label: 'GET /Users/{id}',
      nextRequest: () => getUser(pickRandom(this.#users).id),
      sanityChecks: [{ request: getUser(sample.id), expect: expectResource(sample.id) }],
    }
  }

  patchReplace(): ScenarioDefinition {
    const sample = pickRandom(this.#users)
    return {
      name: 'patch-replace',
      label: 'PATCH Replace displayName + name.givenName',
      nextRequest: this.#nextRename,
      sanityChecks: [{ request: replaceUserNames(sample.id, 'sanity'), expect: expectStatus(200, 204) }],
    }
  }

  patchActive(): ScenarioDefinition {
    const sample = pickRandom(this.#users)
    return {
      name: 'patch-active',
      label: 'PATCH active "False" then "True"',
      nextRequest: this.#nextActiveToggle,
      sanityChecks: [
        { request: setUserActive(sample.id, false), expect: expectStatus(200, 204) },
        // Disabled users must stay visible by id (field guide §1.6, gotcha 14).
        { request: getUser(sample.id), expect: expectResource(sample.id) },
        { request: setUserActive(sample.id, true), expect: expectStatus(200, 204) },
      ],
    }
  }

  post(): ScenarioDefinition {
    return {
      name: 'post',
      label: 'POST /Users (new users)',
      nextRequest: () => createUser(this.#nextPostedUserName()),
      sanityChecks: [{ request: createUser(`bench.${this.#runTag}.sanity.${randomUUID()}@example.com`), expect: expectCreated }],
    }
  }

  /** One request kind per draw, weighted by ENTRA_MIX_WEIGHTS. */
  entraMix(): ScenarioDefinition {
    const kinds: Array<[number, () => BenchRequest]> = [
      [ENTRA_MIX_WEIGHTS.lookup, () => findUserByUserName(pickRandom(this.#users).userName)],
      [ENTRA_MIX_WEIGHTS.patchReplace, this.#nextRename],
      [ENTRA_MIX_WEIGHTS.getById, () => getUser(pickRandom(this.#users).id)],
      [ENTRA_MIX_WEIGHTS.post, () => createUser(this.#nextPostedUserName())],
      [ENTRA_MIX_WEIGHTS.probe, testConnectionProbe],
    ]
    const totalWeight = kinds.reduce((sum, [weight]) => sum + weight, 0)
    const lookup = this.lookup()
    return {
      name: 'entra-mix',
      label: 'Entra-like mix: 50% lookup, 25% PATCH, 10% GET, 10% POST, 5% probe',
      nextRequest: () => {
        let draw = Math.random() * totalWeight
        for (const [weight, build] of kinds) {
          draw -= weight
          if (draw < 0) return build()
        }
        return testConnectionProbe()
      },
      sanityChecks: [...lookup.sanityChecks, ...this.patchReplace().sanityChecks, ...this.post().sanityChecks],
    }
  }
}
