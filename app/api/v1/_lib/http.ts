import 'server-only';
import type { NextRequest } from 'next/server';
import { requireCaller, requireSession } from '@/lib/auth/caller';
import { BadRequest } from '@/lib/http/respond';
import type { JwtClaims } from '@/types/auth';

/** Shared by the /api/v1 route handlers: who is calling and response headers (the worker kick is lib/worker/kick.ts, imported only by the routes that enqueue). */

/** The export routes' caller: a session, an access token or an API key (rate-limited per key). */
export const callerOf = (request: NextRequest): Promise<JwtClaims> => requireCaller(request.headers, request.cookies);

/** A signed-in person only, never an API key: for managing keys, so a leaked key cannot mint more. */
export const sessionOf = (request: NextRequest): Promise<JwtClaims> => requireSession(request.headers, request.cookies);

export const NO_STORE = { 'cache-control': 'no-store' } as const;

/** The idempotency key from the `Idempotency-Key` header or the body (both may be sent only if they agree). */
export function idempotencyKeyOf(header: string | null, bodyKey: string | undefined): string | undefined {
  const headerKey = header?.trim() || undefined;
  if (headerKey && bodyKey && headerKey !== bodyKey) {
    throw new BadRequest('The Idempotency-Key header and the body\'s idempotencyKey differ: send one of them.', [
      { path: 'idempotencyKey', message: 'differs from the Idempotency-Key header' },
    ]);
  }
  return headerKey ?? bodyKey;
}
