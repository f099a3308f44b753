import { Webhook } from 'standardwebhooks';

/**
 * The three Standard Webhooks headers plus the content type, for one attempt. The signature
 * (`v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`, keyed with the decoded bytes of the
 * `whsec_<base64>` secret) comes from the `standardwebhooks` library; `webhook-timestamp` is the same
 * unix time in seconds that it signs.
 */
export function webhookHeaders(
  secret: string,
  id: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, now, body),
  };
}
