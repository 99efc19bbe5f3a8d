import 'server-only';
import { BadRequest, issueDetails } from '@/lib/http/respond';
import { requestOptionsSchema } from '@/types/exports';

/** Shared by the /api/v1 route handlers: idempotency keys and response headers (who may call: lib/http/access.ts; the worker kick: lib/worker/kick.ts, imported only by the routes that enqueue). */

export const NO_STORE = { 'cache-control': 'no-store' } as const;

/** The idempotency key from the `Idempotency-Key` header or the body (both may be sent only if they agree). */
export function idempotencyKeyOf(header: string | null, bodyKey: string | undefined): string | undefined {
  const headerKey = header?.trim() || undefined;
  const checked = requestOptionsSchema.shape.idempotencyKey.safeParse(headerKey);
  if (!checked.success) {
    const details = issueDetails(checked.error.issues, 'Idempotency-Key');
    throw new BadRequest(`The Idempotency-Key header ${details[0].message}.`, details);
  }
  if (headerKey && bodyKey && headerKey !== bodyKey) {
    throw new BadRequest('The Idempotency-Key header and the body\'s idempotencyKey differ: send one of them.', [
      { path: 'idempotencyKey', message: 'differs from the Idempotency-Key header' },
    ]);
  }
  return headerKey ?? bodyKey;
}
