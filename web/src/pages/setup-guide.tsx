import { useEffect, useState } from 'preact/hooks'
import { CopyField } from '../components/copy-button'
import { Page } from '../components/page'
import { TableWrap } from '../components/table-wrap'
import { ROUTES } from '../routes'
import { useSignedIn } from '../session-context'
import { APP_ROLES, DEFAULT_ROLE, ROLE_ATTRIBUTE, ROLE_EXPRESSION } from '../setup/entra-values'
import { loadSetupProgress, UNKNOWN_PROGRESS, type SetupProgress, type Tick } from '../setup/setup-progress'

/** The seed document's Entra steps, filled with this organization's values, and a checklist that ticks itself. */
export function SetupGuidePage() {
  const { session, api } = useSignedIn()
  const [progress, setProgress] = useState<SetupProgress>(UNKNOWN_PROGRESS)
  useEffect(() => {
    let live = true
    void loadSetupProgress(api, session.organization.id).then((p) => live && setProgress(p))
    return () => {
      live = false
    }
  }, [api, session.organization.id])

  return (
    <Page
      title="Set up provisioning from Microsoft Entra ID"
      lead={
        <>
          Follow these steps in the Azure Portal to have Entra create, update and deactivate the members of{' '}
          <strong>{session.organization.name}</strong> automatically. You need an Entra account that can edit the
          Enterprise Application of your product.
        </>
      }
    >
      <Checklist progress={progress} />

      <ol class="steps">
        <li>
          <h2>Create a SCIM token</h2>
          <p>
            Open <a href={ROUTES.secrets}>Organization settings → Secrets</a> and click <em>Generate SCIM token</em>. Copy
            the token: Roster shows it only once.
          </p>
        </li>
        <li>
          <h2>Turn on provisioning in Entra</h2>
          <p>
            In the Azure Portal, open <em>Enterprise applications</em>, then your product's application, then the{' '}
            <em>Provisioning</em> tab, and click <em>Get started</em>. Set <em>Provisioning Mode</em> to{' '}
            <em>Automatic</em> and enter:
          </p>
          <CopyField id="tenant-url" label="Tenant URL" value={session.tenantUrl} />
          <p>
            <strong>Secret Token:</strong> the SCIM token from step 1. Click <em>Test Connection</em>, then{' '}
            <em>Save</em>.
          </p>
        </li>
        <li>
          <h2>Create the app roles</h2>
          <p>
            Open <em>App registrations</em>, select your product's application and open <em>App roles</em>. Create one
            role for each row, with <em>Allowed member types</em> set to <em>Users/Groups</em>, and click{' '}
            <em>Apply</em> each time:
          </p>
          <TableWrap label="App roles">
            <table>
              <caption class="visually-hidden">App roles to create in Entra</caption>
              <thead>
                <tr>
                  <th scope="col">Display name</th>
                  <th scope="col">Value</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {APP_ROLES.map((role) => (
                  <tr key={role.value}>
                    <td>
                      <code>{role.displayName}</code>
                    </td>
                    <td>
                      <code>{role.value}</code>
                    </td>
                    <td>{role.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <p class="hint">The expression in step 5 compares the role's Value, so the values must be exactly these.</p>
        </li>
        <li>
          <h2>Add the role attribute</h2>
          <p>
            Back in the Enterprise Application, open <em>Provisioning</em> → <em>Edit attribute mappings</em>, expand{' '}
            <em>Mappings</em> and select <em>Provision Microsoft Entra ID Users</em>. Tick <em>Show advanced options</em>,
            click <em>Edit attribute list for …</em>, and add an attribute of type <em>String</em> named:
          </p>
          <CopyField id="role-attribute" label="Attribute name" value={ROLE_ATTRIBUTE} />
          <p class="hint">
            Use this full name, not just <code>modernloopRole</code>: Entra sends an attribute with this name when it
            creates a user, while a plain name arrives only on later updates, so new members would start without their
            role. Save, and confirm with <em>Yes</em>.
          </p>
        </li>
        <li>
          <h2>Map app roles to the attribute</h2>
          <p>
            In the same <em>Attribute Mapping</em> page, click <em>Add New Mapping</em> and set:
          </p>
          <dl class="settings">
            <dt>Mapping type</dt>
            <dd>Expression</dd>
            <dt>Expression</dt>
            <dd>
              <CopyField id="role-expression" label="Expression" value={ROLE_EXPRESSION} />
            </dd>
            <dt>Default value if null</dt>
            <dd>
              <code>{DEFAULT_ROLE}</code>
            </dd>
            <dt>Target attribute</dt>
            <dd>
              <code>{ROLE_ATTRIBUTE}</code>
            </dd>
          </dl>
          <p class="hint">
            Click <em>OK</em>. A user without an app role gets an empty value, which Roster treats as “keep the current
            role”, never as a demotion.
          </p>
        </li>
        <li>
          <h2>Map objectId to externalId</h2>
          <p>
            In the mappings list, edit the row whose target is <code>externalId</code> and set its source attribute to{' '}
            <code>objectId</code> (Entra's default is <code>mailNickname</code>). Single sign-on matches members on it,
            and unlike a nickname it never changes.
          </p>
          <CopyField id="external-id-source" label="Source attribute for externalId" value="objectId" />
        </li>
        <li>
          <h2>Assign people and groups to roles</h2>
          <p>
            In the Enterprise Application, open <em>Users and groups</em> → <em>Add user/group</em>. Pick a group (for
            example “Roster Admins”) and the role <code>ML_ADMIN</code>, and click <em>Assign</em>. Repeat for{' '}
            <code>ML_SCHEDULER</code> and <code>ML_INTERVIEWER</code>.
          </p>
        </li>
        <li>
          <h2>Start provisioning</h2>
          <p>
            On the <em>Provisioning</em> page, set <em>Provisioning Status</em> to <em>On</em> and click <em>Save</em>.
            Entra's first cycle starts within minutes, then runs about every 40 minutes. To try one person at once, use{' '}
            <em>Provision on demand</em>. Watch the result in <a href={ROUTES.provisioning}>Provisioning</a> and{' '}
            <a href={ROUTES.members}>Members</a>; <a href={ROUTES.diagnostics}>Diagnostics</a> explains what went wrong.
          </p>
        </li>
      </ol>
    </Page>
  )
}

const CHECKS: { key: keyof SetupProgress; label: string }[] = [
  { key: 'tokenCreated', label: 'SCIM token created' },
  { key: 'testConnectionSeen', label: 'Test Connection received from Entra' },
  { key: 'firstUserCreated', label: 'First user created by Entra' },
  { key: 'firstRoleReceived', label: 'First role received' },
]

function Checklist({ progress }: { progress: SetupProgress }) {
  const unknown = CHECKS.some((check) => progress[check.key] === null)
  return (
    <section class="checklist" aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">Progress</h2>
      <ul>
        {CHECKS.map((check) => (
          <li key={check.key} class={`tick tick-${tickClass(progress[check.key])}`}>
            <span class="tick-mark" aria-hidden="true">
              {progress[check.key] === true ? '✓' : progress[check.key] === false ? '○' : '–'}
            </span>
            {check.label}
            <span class="visually-hidden">{tickWords(progress[check.key])}</span>
          </li>
        ))}
      </ul>
      {unknown && (
        <p class="hint">
          Roster ticks these from its provisioning log. Items marked “–” cannot be checked yet: the log is not available
          from this Roster's API.
        </p>
      )}
    </section>
  )
}

const tickClass = (tick: Tick) => (tick === true ? 'done' : tick === false ? 'todo' : 'unknown')
const tickWords = (tick: Tick) => (tick === true ? ': done' : tick === false ? ': not yet' : ': not known yet')
