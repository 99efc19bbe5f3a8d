import 'server-only';
import { hostname } from 'node:os';
import { claimJobs, reapExpired } from '@/lib/exports/workerQueue';
import { log } from '@/lib/log';
import { deliverDueWebhooksQuietly } from '@/lib/worker/deliverWebhooks';
import { processJob, type JobOutcome } from '@/lib/worker/processJob';
import { renderSlots, type JobSlot } from '@/lib/worker/renderSlots';
import { workerSettings } from '@/lib/worker/settings';
import type { ClaimedJob } from '@/types/exports';

/**
 * The worker tick: reap expired leases, then claim and process jobs while the
 * time budget allows, each claim only with one of this process's render slots
 * in hand (renderSlots.ts): a job renders while the one before it encodes and
 * uploads, and a process at its limit claims nothing. The cron route, the
 * kick after an enqueue and `npm run worker` all call this same function. The
 * queue (SQL) decides every transition; this only renders, stores and reports.
 */

export type TickOptions = {
  /** Stop claiming once less than a job's expected time is left of this budget. */
  budgetMs: number;
  workerId?: string;
  maxJobs?: number;
  /** Aborting finishes nothing more: the current job is stopped at its next step and handed back. */
  signal?: AbortSignal;
};

export type TickReport = {
  reaped: number;
  processed: { id: string; outcome: JobOutcome; ms: number }[];
  /** True when this tick found every render slot of the process taken (by other ticks) and claimed nothing for that reason. */
  busy: boolean;
};

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

export async function tick(options: TickOptions): Promise<TickReport> {
  const started = Date.now();
  const settings = workerSettings();
  const workerId = options.workerId ?? defaultWorkerId();
  const slots = renderSlots(settings.concurrency);
  // The first slot is taken before any query: a burst of kicks at the limit returns at once, touching nothing,
  // and the tick holding the slots looks at the queue once more before it ends.
  let held = slots.tryStart(true);
  if (!held) return { reaped: 0, processed: [], busy: true };
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const report: TickReport = { reaped: 0, processed: [], busy: false };
  try {
    const reaped = await reapExpired();
    report.reaped = reaped.length;
    if (reaped.length) log().warn({ event: 'reaped', workerId, jobs: reaped.map((j) => ({ jobId: j.id, attempt: j.attempts, status: j.status })) }, `returned ${reaped.length} job(s) with expired leases`);
    // Webhooks due from earlier (retries, cancels through the API, jobs the reap just ended).
    await deliverDueWebhooksQuietly();
    let claimed = 0;
    while (!options.signal?.aborted && claimed < (options.maxJobs ?? Infinity) && !failure) {
      if (started + options.budgetMs - Date.now() < settings.minJobBudgetMs) break;
      const slot = held ?? slots.tryStart(running.size === 0);
      held = undefined;
      if (!slot) {
        // Other ticks hold every slot; they look at the queue again before they end.
        if (running.size === 0) {
          report.busy = true;
          break;
        }
        await slots.whenChanged();
        continue;
      }
      let job: ClaimedJob | undefined;
      try {
        [job] = await claimJobs(workerId, 1, settings.leaseSeconds);
      } finally {
        if (!job) slot.done();
      }
      if (!job) {
        // Someone found the slots taken since that claim began: the job they saw queued may have come after it.
        if (slots.takeWake()) continue;
        break;
      }
      claimed++;
      running.add(runJob(job, slot, options.signal, report, running, (error) => (failure ??= { error })));
    }
  } finally {
    held?.done();
    await Promise.all(running);
  }
  if (failure) throw failure.error;
  log()[report.processed.length || report.reaped ? 'info' : 'debug']({ event: 'tick', workerId, reaped: report.reaped, processed: report.processed.length, busy: report.busy, ms: Date.now() - started }, 'worker tick done');
  return report;
}

/** One claimed job, run beside the tick's loop: its render slot goes back once Chromium is done with it, its job slot once it ends. */
function runJob(job: ClaimedJob, slot: JobSlot, signal: AbortSignal | undefined, report: TickReport, running: Set<Promise<void>>, fail: (error: unknown) => void): Promise<void> {
  const t = Date.now();
  const run: Promise<void> = processJob(job, signal, slot.renderDone)
    .then(async (outcome) => {
      report.processed.push({ id: job.id, outcome, ms: Date.now() - t });
      // The job's own webhook, if it just ended, goes out now rather than at the next tick.
      await deliverDueWebhooksQuietly();
    })
    .catch(fail)
    .finally(() => {
      slot.done();
      running.delete(run);
    });
  return run;
}
