import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style: the `Carto-Signature` header carries the
 * send time and an HMAC-SHA256 over `<time>.<raw body>` with the user's
 * secret, `t=<unix seconds>,v1=<hex>`. Signing the time with the body lets a
 * receiver refuse a captured request replayed later. Plain Node (no app
 * imports), so a receiver can copy this file.
 */

export const SIGNATURE_HEADER = 'Carto-Signature';
/** The event's id: the same on every retry of one delivery, so a receiver can drop duplicates. */
export const EVENT_ID_HEADER = 'Carto-Webhook-Id';
export const EVENT_TYPE_HEADER = 'Carto-Webhook-Event';
export const ATTEMPT_HEADER = 'Carto-Webhook-Attempt';

export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, rawBody: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');

/** The `Carto-Signature` value for `rawBody` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, rawBody: string | Buffer, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

export type SignatureCheck =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed' | 'mismatch' | 'outside_tolerance' };

/**
 * Checks a received webhook: `header` is the `Carto-Signature` value and
 * `rawBody` the body exactly as received (before any JSON parsing). Refuses a
 * signature that does not match and a timestamp further than
 * `toleranceSeconds` from `now` (a replay of an old request).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): SignatureCheck {
  const parts = (header ?? '').split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')).map(([, v]) => Buffer.from(v, 'hex'));
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return { valid: false, reason: 'malformed' };
  const timestamp = Number(t);
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  if (!signatures.some((s) => timingSafeEqual(s, expected))) return { valid: false, reason: 'mismatch' };
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return { valid: false, reason: 'outside_tolerance' };
  return { valid: true, timestamp };
}
