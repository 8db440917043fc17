import { bodyField, describeAnswer, type ScimClient } from './scim-client.js'
import { createUser, type SeededUser } from './scim-requests.js'

/** userNames are unique per run so repeated runs against one PostgreSQL database do not collide. */
export const seededUserName = (runTag: string, index: number): string => `bench.${runTag}.${index}@example.com`

export interface SeedResult {
  users: SeededUser[]
  seconds: number
  usersPerSecond: number
}

/**
 * Creates users `from` .. `from + count - 1` through POST /Users with `inFlight` requests
 * outstanding, as Entra's initial cycle would. Stops at the first non-201 or at the deadline.
 */
export async function seedUsers(
  client: ScimClient,
  options: { runTag: string; from: number; count: number; inFlight: number; deadlineMs: number },
): Promise<SeedResult> {
  const users: SeededUser[] = new Array<SeededUser>(options.count)
  const deadline = Date.now() + options.deadlineMs
  let nextOffset = 0
  let failure: Error | undefined

  async function worker(): Promise<void> {
    while (failure === undefined && nextOffset < options.count) {
      if (Date.now() > deadline) {
        failure = new Error(`seeding stopped at the ${options.deadlineMs} ms deadline after ${nextOffset} of ${options.count} users`)
        return
      }
      const offset = nextOffset++
      const userName = seededUserName(options.runTag, options.from + offset)
      const request = createUser(userName)
      try {
        const answer = await client.send(request)
        const id = bodyField(answer, 'id')
        if (answer.status !== 201 || typeof id !== 'string') {
          failure = new Error(`seeding user ${userName} failed: ${describeAnswer(request, answer)}`)
          return
        }
        users[offset] = { id, userName }
      } catch (error) {
        failure = new Error(`seeding user ${userName} failed: ${error instanceof Error ? error.message : String(error)}`)
        return
      }
    }
  }

  const startedAt = performance.now()
  await Promise.all(Array.from({ length: Math.min(options.inFlight, options.count) }, () => worker()))
  const seconds = (performance.now() - startedAt) / 1000
  if (failure !== undefined) throw failure
  return { users, seconds, usersPerSecond: seconds > 0 ? options.count / seconds : 0 }
}
