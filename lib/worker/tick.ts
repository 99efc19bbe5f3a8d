import 'server-only';
import { hostname } from 'node:os';
import { claimJobs, reapExpired } from '@/lib/exports/workerQueue';
import { log } from '@/lib/log';
import { deliverDueWebhooksQuietly } from '@/lib/worker/deliverWebhooks';
import { processJob, type JobOutcome } from '@/lib/worker/processJob';
import { workerSettings } from '@/lib/worker/settings';

/**
 * The worker tick: reap expired leases, then claim and process jobs one at a
 * time while the time budget allows. The cron route, the kick after an
 * enqueue and `npm run worker` all call this same function. The queue (SQL)
 * decides every transition; this only renders, stores and reports.
 */

export type TickOptions = {
  /** Stop claiming once less than a job's expected time is left of this budget. */
  budgetMs: number;
  workerId?: string;
  maxJobs?: number;
  /** Aborting finishes nothing more: the current job is stopped at its next step and handed back. */
  signal?: AbortSignal;
};

export type TickReport = { reaped: number; processed: { id: string; outcome: JobOutcome; ms: number }[] };

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

export async function tick(options: TickOptions): Promise<TickReport> {
  const started = Date.now();
  const settings = workerSettings();
  const workerId = options.workerId ?? defaultWorkerId();
  const reaped = await reapExpired();
  if (reaped.length) log().warn({ event: 'reaped', workerId, jobs: reaped.map((j) => ({ jobId: j.id, attempt: j.attempts, status: j.status })) }, `returned ${reaped.length} job(s) with expired leases`);
  const report: TickReport = { reaped: reaped.length, processed: [] };
  // Webhooks due from earlier (retries, cancels through the API, jobs the reap just ended).
  await deliverDueWebhooksQuietly();
  while (!options.signal?.aborted && report.processed.length < (options.maxJobs ?? Infinity)) {
    if (started + options.budgetMs - Date.now() < settings.minJobBudgetMs) break;
    const [job] = await claimJobs(workerId, 1, settings.leaseSeconds);
    if (!job) break;
    const t = Date.now();
    const outcome = await processJob(job, options.signal);
    report.processed.push({ id: job.id, outcome, ms: Date.now() - t });
    // The job's own webhook, if it just ended, goes out now rather than at the next tick.
    await deliverDueWebhooksQuietly();
  }
  log()[report.processed.length || report.reaped ? 'info' : 'debug']({ event: 'tick', workerId, reaped: report.reaped, processed: report.processed.length, ms: Date.now() - started }, 'worker tick done');
  return report;
}
