import { DomainError } from '../../lib/domain-error.js'
import { checkedUrl } from './idp-metadata.js'

export interface MetadataFetchOptions {
  timeoutMs: number
  maxBytes: number
}

/**
 * Downloads an IdP metadata document: https only (http for loopback), no redirects followed, the whole exchange
 * bounded by `timeoutMs`, and the body cut off past `maxBytes`. Failures are DomainErrors an admin can act on.
 */
export async function fetchMetadata(urlText: string, options: MetadataFetchOptions): Promise<string> {
  const url = checkedUrl(urlText, 'metadata URL')
  const signal = AbortSignal.timeout(options.timeoutMs)
  let response: Response
  try {
    response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } })
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    throw new DomainError('invalid', timedOut ? `The metadata URL did not answer within ${options.timeoutMs} ms` : `The metadata URL could not be fetched (${describe(error)})`)
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined)
    throw new DomainError('invalid', `The metadata URL answered HTTP ${response.status}; expected 200 with the metadata XML`)
  }
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new DomainError('invalid', `The metadata document is larger than ${options.maxBytes} bytes`)
  }
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength
      if (size > options.maxBytes) throw new DomainError('invalid', `The metadata document is larger than ${options.maxBytes} bytes`)
      chunks.push(Buffer.from(chunk))
    }
  } catch (error) {
    if (error instanceof DomainError) throw error
    throw new DomainError('invalid', `Reading the metadata URL failed (${describe(error)})`)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const describe = (error: unknown): string =>
  error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)
