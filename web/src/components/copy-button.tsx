import { useState } from 'preact/hooks'

/** Copies `text` to the clipboard and says so (politely, for screen readers too). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setStatus('copied')
    } catch {
      setStatus('failed')
    }
    setTimeout(() => setStatus('idle'), 2500)
  }
  return (
    <span class="copy">
      <button type="button" class="button secondary small" onClick={() => void copy()} aria-label={`Copy ${label}`}>
        Copy
      </button>
      <span class="copy-status" role="status" aria-live="polite">
        {status === 'copied' ? 'Copied' : status === 'failed' ? 'Select the text and copy it with Ctrl+C' : ''}
      </span>
    </span>
  )
}

/** A value to paste somewhere else, shown in full with its copy button. */
export function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div class="copy-field">
      <span class="copy-label" id={`${id}-label`}>
        {label}
      </span>
      <div class="copy-row">
        <code class="copy-value" id={id}>
          {value}
        </code>
        <CopyButton text={value} label={label} />
      </div>
    </div>
  )
}
