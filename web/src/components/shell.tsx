import type { ComponentChildren } from 'preact'
import { useLocation } from 'preact-iso'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ROUTES } from '../routes'
import { useSignedIn } from '../session-context'

const NAV: { heading?: string; items: { href: string; label: string }[] }[] = [
  { items: [{ href: ROUTES.setup, label: 'Setup guide' }] },
  {
    heading: 'Organization settings',
    items: [
      { href: ROUTES.secrets, label: 'Secrets' },
      { href: ROUTES.members, label: 'Members' },
      { href: ROUTES.provisioning, label: 'Provisioning' },
      { href: ROUTES.sso, label: 'Single sign-on' },
    ],
  },
  {
    items: [
      { href: ROUTES.diagnostics, label: 'Diagnostics' },
      { href: ROUTES.developers, label: 'Developers' },
    ],
  },
]

/** The signed-in frame: header with organization and sign-out, navigation, and the page in <main>. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { session, signOut } = useSignedIn()
  const { path } = useLocation()
  const [menuOpen, setMenuOpen] = useState(false)
  const main = useRef<HTMLElement>(null)
  const current = path === ROUTES.home ? ROUTES.setup : path

  // After a client-side navigation, move focus to the new page so keyboard and screen-reader users land on it.
  const first = useRef(true)
  useEffect(() => {
    setMenuOpen(false)
    if (first.current) {
      first.current = false
      return
    }
    main.current?.focus()
  }, [path])

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <span class="brand">Roster</span>
        <span class="org-name" title={session.organization.id}>
          {session.organization.name}
        </span>
        <span class="spacer" />
        <span class="who">
          Signed in as <strong>{session.member.displayName ?? session.member.userName}</strong>
        </span>
        <button type="button" class="button secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <div class="body">
        <nav id="primary-nav" class={menuOpen ? 'sidebar open' : 'sidebar'} aria-label="Console">
          {NAV.map((group, index) => (
            <div class="nav-group" key={index}>
              {group.heading && <p class="nav-heading">{group.heading}</p>}
              <ul>
                {group.items.map((item) => (
                  <li key={item.href}>
                    <a href={item.href} aria-current={current === item.href ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  )
}
