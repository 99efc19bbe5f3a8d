import 'server-only';
import { after } from 'next/server';
import { BadRequest, issueDetails } from '@/lib/http/respond';
import { requestOptionsSchema } from '@/types/exports';
import { tick } from '@/lib/exports/worker';
import { log } from '@/lib/log';

/** Shared by the /api/v1 route handlers: the worker kick, idempotency keys and response headers (who may call: lib/http/access.ts). */

export const NO_STORE = { 'cache-control': 'no-store' } as const;

// The kick runs inside the enqueueing function after its response, so it has that route's maxDuration (300 s);
// leave headroom as the cron route does. The worker's lease is longer still.
const KICK_BUDGET_MS = 255_000;

/**
 * Starts the worker on the jobs just queued once the response is sent, so an
 * export starts within a second instead of at the next cron run. Never fails
 * the request: the cron (or `npm run worker`) picks up whatever this misses.
 */
export function kickWorker(maxJobs: number): void {
  try {
    after(async () => {
      try {
        await tick({ budgetMs: KICK_BUDGET_MS, maxJobs });
      } catch (e) {
        log().error({ event: 'kick_failed', err: e }, 'export worker kick failed; the cron will pick the job up');
      }
    });
  } catch {
    // No request scope (the handler was called directly, as in tests): nothing to attach to; the cron runs it.
  }
}

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
