import 'server-only';
import { after } from 'next/server';
import { log } from '@/lib/log';
import { tick } from '@/lib/worker/tick';

// The kick runs inside the enqueueing function after its response, so it has that route's maxDuration (300 s);
// leave headroom as the cron route does. The worker's lease is longer still.
const KICK_BUDGET_MS = 255_000;

/**
 * Starts the worker on the jobs just queued once the response is sent, so an
 * export starts within a second instead of at the next cron run. The tick
 * drains the queue while its budget lasts; a process already at its render
 * limit returns at once and its running tick takes the job next (tick.ts).
 * Never fails the request: the cron (or `npm run worker`) picks up whatever
 * this misses.
 */
export function kickWorker(): void {
  try {
    after(async () => {
      try {
        await tick({ budgetMs: KICK_BUDGET_MS });
      } catch (e) {
        log().error({ event: 'kick_failed', err: e }, 'export worker kick failed; the cron will pick the job up');
      }
    });
  } catch {
    // No request scope (the handler was called directly, as in tests): nothing to attach to; the cron runs it.
  }
}
