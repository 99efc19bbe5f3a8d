import 'server-only';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';

export class CronUnauthorized extends Error {
  readonly code = 'unauthenticated';
  constructor(message = 'Cron routes need `Authorization: Bearer $CRON_SECRET`.') {
    super(message);
  }
}

/**
 * Cron routes run work for every user, so they answer only to the bearer
 * secret Vercel sends. With no secret configured every call is refused —
 * never an open route because a variable was forgotten.
 */
export function assertCronRequest(headers: Headers): void {
  const secret = env().CRON_SECRET;
  if (!secret) throw new CronUnauthorized('CRON_SECRET is not set, so cron routes refuse every call. Set it and redeploy.');
  if (!hasBearer(headers, secret)) throw new CronUnauthorized();
}

// Both sides are hashed with a key of this process before comparing, so the comparison
// takes the same time whatever the given value's length (a length check first would tell it).
const COMPARE_KEY = randomBytes(32);
const digest = (value: string) => createHmac('sha256', COMPARE_KEY).update(value).digest();

/** Whether the request carries `Authorization: Bearer <secret>`, compared in constant time. */
export function hasBearer(headers: Headers, secret: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(secret));
}
