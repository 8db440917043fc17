import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { userSchema } from '../schemas/user-schema.js'
import { ElementIndex } from './element-index.js'
import { isElementIn } from './multi-valued.js'

const definition = (name: string) => userSchema.attributes.find((attribute) => attribute.name === name)!

/** Deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('ElementIndex', () => {
  test('finds exactly the elements isElementIn finds, for random complex elements and candidates', () => {
    const next = random(12)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
    const emails = definition('emails')
    const element = (): Record<string, unknown> => {
      const result: Record<string, unknown> = {}
      if (next() < 0.9) result.value = pick(['a@x', 'A@X', 'b@x', 'c@x'])
      if (next() < 0.6) result.type = pick(['work', 'WORK', 'home'])
      if (next() < 0.4) result.primary = pick([true, false])
      if (next() < 0.2) result.display = pick(['Ann', 'ann'])
      return result
    }
    for (let round = 0; round < 50; round++) {
      const elements = Array.from({ length: Math.floor(next() * 30) }, element)
      const index = new ElementIndex(emails, elements)
      for (let i = 0; i < 30; i++) {
        const candidate = next() < 0.05 ? {} : element()
        const expected = elements.filter((existing) => isElementIn(emails, candidate, existing))
        assert.deepEqual(index.find(candidate), expected, JSON.stringify({ candidate, elements }))
        if (next() < 0.3) {
          const added = element()
          elements.push(added)
          index.add(added)
        }
      }
    }
  })

  test('simple values compare case-insensitively unless caseExact; non-objects are in nothing for complex attributes', () => {
    const simple = { ...definition('emails'), type: 'string' as const, subAttributes: undefined }
    const index = new ElementIndex(simple, ['Ann', 'bob', 3])
    assert.deepEqual(index.find('ANN'), ['Ann'])
    assert.deepEqual(index.find(3), [3])
    assert.deepEqual(index.find('3'), [])
    const exact = new ElementIndex({ ...simple, caseExact: true }, ['Ann'])
    assert.deepEqual(exact.find('ann'), [])
    assert.deepEqual(new ElementIndex(definition('emails'), [{ value: 'a' }]).find('a'), [])
  })
})
