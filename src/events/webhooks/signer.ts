import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64, the form receivers' libraries take. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`

/**
 * The `webhook-signature` header: one `v1,<base64 HMAC-SHA256>` per valid secret, space-separated, signed by the
 * `standardwebhooks` reference library. During a rotation both secrets sign, so receivers on either verify.
 */
export function signatureHeader(secrets: readonly string[], messageId: string, timestamp: Date, payload: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, payload)).join(' ')
}

/** The three Standard Webhooks headers of one attempt. */
export function webhookHeaders(secrets: readonly string[], messageId: string, timestamp: Date, payload: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Roster-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatureHeader(secrets, messageId, timestamp, payload),
  }
}
