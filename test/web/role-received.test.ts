import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { showsRoleFromDirectory } from '../../web/src/setup/role-received.js'

const ROLE = 'urn:ietf:params:scim:schemas:extension:modernloop:2.0:User:modernloopRole'

/** The Setup guide's "First role received" tick, from provisioning-log entries as Roster writes them. */
describe('setup checklist: first role received', () => {
  test('a create without a role (Roster defaults it to INTERVIEWER) is not a role received', () => {
    // What POST /Users without any role attribute logs: the default role appears as set by the create.
    const created = { changes: [{ attribute: 'userName', before: null, after: 'bob' }, { attribute: ROLE, before: null, after: 'INTERVIEWER' }] }
    assert.equal(showsRoleFromDirectory(created), false)
  })

  test('a create with a non-default role, a role update, or roles from AppRoleAssignmentsComplex is', () => {
    assert.equal(showsRoleFromDirectory({ changes: [{ attribute: ROLE, before: null, after: 'ADMIN' }] }), true)
    assert.equal(showsRoleFromDirectory({ changes: [{ attribute: ROLE, before: 'INTERVIEWER', after: 'SCHEDULER' }] }), true)
    assert.equal(showsRoleFromDirectory({ changes: [{ attribute: 'roles', before: null, after: [{ value: 'ML_ADMIN' }] }] }), true)
    assert.equal(showsRoleFromDirectory({ changes: [{ attribute: 'title', before: null, after: 'Role model' }] }), false)
  })
})
