import { createHmac } from 'node:crypto';

/** The scheme's version, as the signature header names it: `X-Parley-Signature: v1=<hex>`. */
export const SIGNATURE_SCHEME = 'v1';

/**
 * HMAC-SHA256, in hex, of `<timestamp>.<raw body>` with the webhook secret: the timestamp (unix
 * seconds, also sent as `X-Parley-Timestamp`) is signed with the body, so a receiver that checks
 * it is recent refuses a replayed request as well as a forged one (docs/webhooks.md).
 */
export function signatureOf(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The headers of one POST of `body`, signed at `nowMs`. */
export function signedHeaders(secret: string, body: string | Buffer, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Parley-Webhook/1',
    'x-parley-timestamp': String(timestamp),
    'x-parley-signature': `${SIGNATURE_SCHEME}=${signatureOf(secret, timestamp, body)}`,
  };
}
