import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LIST_RESPONSE_SCHEMA, listResponse } from './list-response.js'

describe('listResponse', () => {
  it("renders the empty ListResponse Entra's Test Connection probe expects", () => {
    assert.deepEqual(listResponse([], 0, 1), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    })
  })

  it('sets itemsPerPage to the number of resources on the page, not the total', () => {
    const page = listResponse([{ id: 'a' }, { id: 'b' }], 5, 3)
    assert.equal(page.itemsPerPage, 2)
    assert.equal(page.totalResults, 5)
    assert.equal(page.startIndex, 3)
    assert.deepEqual(page.schemas, [LIST_RESPONSE_SCHEMA])
  })
})
