import 'server-only';
import { timingSafeEqual } from 'node:crypto';
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

/** Whether the request carries `Authorization: Bearer <secret>`, compared in constant time. */
export function hasBearer(headers: Headers, secret: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
