import type { ComponentChildren } from 'preact'

/** A table that scrolls sideways on narrow windows; focusable and named so keyboard users can scroll it too. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}
