import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
}

/**
 * Standard Webhooks verification (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, a timestamp
 * at most 5 minutes off) with the `standardwebhooks` package, under each of the brand's live
 * secrets in turn (two may be live while a sender rotates). Answers null when one verifies,
 * else why none did (the last secret's reason; they are the same but for a rotation).
 */
export function signatureFault(raw: Buffer, headers: SignedHeaders, secrets: string[]): string | null {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return 'missing webhook-id, webhook-timestamp or webhook-signature';
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return 'webhook-timestamp must be Unix seconds';
  }
  if (secrets.length === 0) {
    return 'the brand has no live hook secret';
  }
  let fault = 'no matching signature';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(
        raw,
        { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
        { jsonParse: false },
      );
      return null;
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) {
        throw e;
      }
      fault = e.message.toLowerCase();
    }
  }
  return fault;
}
