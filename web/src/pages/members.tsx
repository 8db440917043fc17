import { useState } from 'preact/hooks'
import type { Problem } from '../api/problem'
import { resultOf, useApi } from '../api/use-api'
import type { Member, Role, RoleManagement } from '../api/v1-types'
import { LoadedView } from '../components/loaded'
import { Page } from '../components/page'
import { TableWrap } from '../components/table-wrap'
import { ProblemMessage } from '../components/problem-message'
import { formatTime } from '../format'
import { useSignedIn } from '../session-context'

const PAGE_SIZE = 50
const ROLES: Role[] = ['ADMIN', 'SCHEDULER', 'INTERVIEWER']

/** Organization settings → Members: the role-management setting and the members table (search, paging, roles). */
export function MembersPage() {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [settings, reloadSettings] = useApi(() => api.GET('/organizations/{orgId}/settings', { params: { path: { orgId } } }), [api, orgId])
  const [query, setQuery] = useState('')
  const [search, setSearch] = useState('')
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const after = cursors[cursors.length - 1]
  const [members, reloadMembers] = useApi(
    () => api.GET('/organizations/{orgId}/members', { params: { path: { orgId }, query: { limit: PAGE_SIZE, after, q: search || undefined } } }),
    [api, orgId, after, search],
  )
  const mode = settings.kind === 'ok' ? settings.value.roleManagement : undefined

  return (
    <Page title="Members" lead="Everyone Entra provisioned into this organization, members added by hand, and people created at their first single sign-on.">
      <LoadedView state={settings} what="the role-management setting">
        {(value) => (
          <RoleManagementSetting
            mode={value.roleManagement}
            onChanged={() => {
              reloadSettings()
              reloadMembers()
            }}
          />
        )}
      </LoadedView>

      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <form
          class="search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault()
            setCursors([undefined])
            setSearch(query.trim())
          }}
        >
          <label for="member-search">Search by name, userName or email</label>
          <input id="member-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          <button type="submit" class="button secondary">
            Search
          </button>
        </form>
        <LoadedView state={members} what="the members">
          {(page) => (
            <>
              <MemberTable members={page.data} mode={mode} onChanged={reloadMembers} searched={search !== ''} />
              <div class="pager">
                <button type="button" class="button secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Previous page
                </button>
                <button type="button" class="button secondary" disabled={page.next === null} onClick={() => setCursors([...cursors, page.next ?? undefined])}>
                  Next page
                </button>
              </div>
            </>
          )}
        </LoadedView>
      </section>
    </Page>
  )
}

function MemberTable({ members, mode, onChanged, searched }: { members: Member[]; mode: RoleManagement | undefined; onChanged: () => void; searched: boolean }) {
  const { session, api } = useSignedIn()
  const [problem, setProblem] = useState<Problem | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  if (members.length === 0) {
    return (
      <p class="empty">
        {searched
          ? 'No member matches this search.'
          : 'No members yet. Follow the Setup guide: once Entra provisions people, they appear here.'}
      </p>
    )
  }
  const editable = mode === 'platform'
  const setRole = async (memberId: string, role: Role) => {
    setProblem(null)
    setNotice(null)
    const outcome = resultOf(
      await api.PATCH('/organizations/{orgId}/members/{memberId}', { params: { path: { orgId: session.organization.id, memberId } }, body: { role } }),
    )
    if (outcome.ok) setNotice(`${outcome.value.displayName ?? outcome.value.userName} is now ${outcome.value.role}.`)
    else setProblem(outcome.problem)
    onChanged()
  }
  return (
    <>
      {problem && <ProblemMessage problem={problem} context="The role was not changed" />}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {!editable && (
        <p class="hint" id="role-locked">
          Roles cannot be edited here: this organization uses SCIM-managed roles, so every role assignment comes from
          Microsoft Entra ID (assign app roles there). To edit roles in Roster, switch to platform-managed roles above.
        </p>
      )}
      <TableWrap label="Members">
        <table class="stack">
          <caption class="visually-hidden">Members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Directory role</th>
              <th scope="col">Status</th>
              <th scope="col">Source</th>
              <th scope="col">Last provisioned</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.id}>
                <td data-label="Name">
                  {member.displayName ?? member.userName}
                  {member.displayName && <span class="sub">{member.userName}</span>}
                </td>
                <td data-label="Email">{member.email ?? '—'}</td>
                <td data-label="Role">
                  <label class="visually-hidden" for={`role-${member.id}`}>
                    Role of {member.displayName ?? member.userName}
                  </label>
                  <select
                    id={`role-${member.id}`}
                    value={member.role}
                    disabled={!editable}
                    aria-describedby={editable ? undefined : 'role-locked'}
                    onChange={(e) => void setRole(member.id, e.currentTarget.value as Role)}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-label="Directory role">{member.directoryRole ?? '—'}</td>
                <td data-label="Status">{member.status === 'active' ? 'Active' : <strong class="bad">Deactivated</strong>}</td>
                <td data-label="Source">{member.source === 'scim' ? 'SCIM' : member.source === 'sso' ? 'Single sign-on' : 'Manual'}</td>
                <td data-label="Last provisioned">{formatTime(member.lastProvisionedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  )
}

/** The seed's toggle: SCIM-managed or platform-managed roles; switching to SCIM first says how many roles change. */
function RoleManagementSetting({ mode, onChanged }: { mode: RoleManagement; onChanged: () => void }) {
  const { session, api } = useSignedIn()
  const orgId = session.organization.id
  const [pending, setPending] = useState<{ to: RoleManagement; changes: number | null } | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)

  const choose = async (to: RoleManagement) => {
    setProblem(null)
    if (to === mode) return setPending(null)
    setPending({ to, changes: null })
    // The server counts: members whose role differs from the role Entra sent (only a switch to SCIM changes roles).
    const outcome = resultOf(await api.GET('/organizations/{orgId}/settings/role-management-preview', { params: { path: { orgId }, query: { to } } }))
    if (outcome.ok) setPending({ to, changes: outcome.value.membersChanged })
    else {
      setPending(null)
      setProblem(outcome.problem)
    }
  }

  const apply = async (to: RoleManagement) => {
    const outcome = resultOf(await api.PATCH('/organizations/{orgId}/settings', { params: { path: { orgId } }, body: { roleManagement: to } }))
    setPending(null)
    if (outcome.ok) onChanged()
    else setProblem(outcome.problem)
  }

  return (
    <section aria-labelledby="role-management-heading" class="setting">
      <h2 id="role-management-heading">Role management</h2>
      <p>
        Now: <strong>{mode === 'scim' ? 'SCIM-managed roles' : 'Platform-managed roles'}</strong>. Choose the other to
        see what switching would change; nothing changes until you confirm.
      </p>
      <fieldset>
        <legend class="visually-hidden">Who manages members' roles</legend>
        <label class="choice">
          <input type="radio" name="role-management" checked={(pending?.to ?? mode) === 'scim'} onChange={() => void choose('scim')} />
          <span>
            <strong>SCIM-managed roles</strong>: all role assignments handled through Microsoft Entra ID. Roles cannot be
            edited in Roster.
          </span>
        </label>
        <label class="choice">
          <input type="radio" name="role-management" checked={(pending?.to ?? mode) === 'platform'} onChange={() => void choose('platform')} />
          <span>
            <strong>Platform-managed roles</strong>: direct role editing in the product (here, in Roster). Roles Entra
            sends are kept as each member's directory role.
          </span>
        </label>
      </fieldset>
      {pending && (
        <div class="confirm warning" role="group" aria-label="Confirm the change">
          <p>
            {pending.changes === null
              ? 'Counting the roles that will change…'
              : pending.to === 'platform'
                ? 'No role changes now. Afterwards admins edit roles here, and the role Entra sends is kept as each member\'s directory role.'
                : pending.changes === 0
                  ? 'No member\'s role will change: every role already matches the role Entra sent.'
                  : pending.changes === 1
                    ? "1 member's role will change to the role Entra sent."
                    : `${pending.changes} members' roles will change to the role Entra sent.`}
          </p>
          <button type="button" class="button" disabled={pending.changes === null} onClick={() => void apply(pending.to)}>
            Switch to {pending.to === 'scim' ? 'SCIM-managed' : 'platform-managed'} roles
          </button>{' '}
          <button type="button" class="button secondary" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      {problem && <ProblemMessage problem={problem} context="The setting was not changed" />}
    </section>
  )
}
