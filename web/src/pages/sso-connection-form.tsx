import { useState } from 'preact/hooks'
import type { ConnectionInput } from '../api/sso-connection'

type Method = 'url' | 'xml' | 'manual'

/**
 * Where the IdP's settings come from: Entra's App Federation Metadata Url (recommended: Roster refreshes it, so
 * certificate rollover needs nothing from the admin), the Federation Metadata XML file, or the values by hand.
 */
export function SsoConnectionForm({ busy, submitLabel, onSubmit }: { busy: boolean; submitLabel: string; onSubmit: (input: ConnectionInput) => void }) {
  const [method, setMethod] = useState<Method>('url')
  const [metadataUrl, setMetadataUrl] = useState('')
  const [metadataXml, setMetadataXml] = useState('')
  const [fileName, setFileName] = useState('')
  const [entityId, setEntityId] = useState('')
  const [ssoUrl, setSsoUrl] = useState('')
  const [certificate, setCertificate] = useState('')

  const readFile = async (file: File | undefined) => {
    if (!file) return
    setFileName(file.name)
    setMetadataXml(await file.text())
  }

  const submit = (event: Event) => {
    event.preventDefault()
    if (method === 'url') onSubmit({ metadataUrl: metadataUrl.trim() })
    else if (method === 'xml') onSubmit({ metadataXml })
    else onSubmit({ idpEntityId: entityId.trim(), idpSsoUrl: ssoUrl.trim(), idpCertificates: [certificate] })
  }

  return (
    <form class="sso-form" onSubmit={submit}>
      <fieldset>
        <legend>How to connect</legend>
        <label class="choice">
          <input type="radio" name="sso-method" checked={method === 'url'} onChange={() => setMethod('url')} /> App Federation Metadata Url
          (recommended)
        </label>
        <label class="choice">
          <input type="radio" name="sso-method" checked={method === 'xml'} onChange={() => setMethod('xml')} /> Upload Federation Metadata XML
        </label>
        <label class="choice">
          <input type="radio" name="sso-method" checked={method === 'manual'} onChange={() => setMethod('manual')} /> Enter the values by hand
        </label>
      </fieldset>
      {method === 'url' && (
        <p class="field">
          <label for="sso-metadata-url">App Federation Metadata Url</label>
          <input id="sso-metadata-url" type="url" required placeholder="https://login.microsoftonline.com/…/federationmetadata/2007-06/federationmetadata.xml?appid=…" value={metadataUrl} onInput={(e) => setMetadataUrl(e.currentTarget.value)} />
          <span class="hint">In Entra: the app → Single sign-on → SAML Certificates. Roster fetches it again every 12 hours.</span>
        </p>
      )}
      {method === 'xml' && (
        <p class="field">
          <label for="sso-metadata-file">Federation Metadata XML</label>
          <input id="sso-metadata-file" type="file" accept=".xml,application/xml,text/xml" required onChange={(e) => void readFile(e.currentTarget.files?.[0])} />
          <span class="hint">{fileName ? `Read ${fileName}.` : 'Download it in Entra under SAML Certificates. When Entra rolls its certificate over, upload it again.'}</span>
        </p>
      )}
      {method === 'manual' && (
        <>
          <p class="field">
            <label for="sso-entity-id">Microsoft Entra Identifier</label>
            <input id="sso-entity-id" required placeholder="https://sts.windows.net/<tenant id>/" value={entityId} onInput={(e) => setEntityId(e.currentTarget.value)} />
          </p>
          <p class="field">
            <label for="sso-login-url">Login URL</label>
            <input id="sso-login-url" type="url" required placeholder="https://login.microsoftonline.com/<tenant id>/saml2" value={ssoUrl} onInput={(e) => setSsoUrl(e.currentTarget.value)} />
          </p>
          <p class="field">
            <label for="sso-certificate">Certificate (Base64)</label>
            <textarea id="sso-certificate" required rows={6} placeholder="-----BEGIN CERTIFICATE-----" value={certificate} onInput={(e) => setCertificate(e.currentTarget.value)} />
          </p>
        </>
      )}
      <p>
        <button type="submit" class="button" disabled={busy}>
          {submitLabel}
        </button>
      </p>
    </form>
  )
}
