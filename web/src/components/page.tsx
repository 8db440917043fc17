import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'

/** A page's heading, lead text and the document title. */
export function Page({ title, lead, children }: { title: string; lead?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · Roster console`
  }, [title])
  return (
    <article class="page">
      <h1>{title}</h1>
      {lead && <p class="lead">{lead}</p>}
      {children}
    </article>
  )
}
