import { env } from '@/lib/env';

/** How the worker paces itself; the queue's own limits live in the database (lib/exports/settings.ts). */
export function workerSettings() {
  const e = env();
  return {
    leaseSeconds: e.WORKER_LEASE_SECONDS,
    heartbeatMs: e.WORKER_HEARTBEAT_SECONDS * 1000,
    // Do not claim a job with less time left than a large export takes here (bench/RESULTS.md).
    minJobBudgetMs: 90_000,
    recycleAfterJobs: e.BROWSER_RECYCLE_AFTER_JOBS,
    concurrency: e.WORKER_CONCURRENCY,
  };
}
