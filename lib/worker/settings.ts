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

/** The database-held queue settings this environment asks for. */
export function queueSettingsFromEnv() {
  const e = env();
  return {
    resultTtlSeconds: e.EXPORT_TTL_DAYS * 86_400,
    maxAttempts: e.EXPORT_MAX_ATTEMPTS,
    maxActiveJobs: e.QUOTA_ACTIVE_JOBS,
    maxExportsPerDay: e.QUOTA_DAILY_EXPORTS,
    maxStoredBytes: e.QUOTA_STORED_MB * 1024 * 1024,
    backoffBaseSeconds: e.EXPORT_BACKOFF_BASE_SECONDS,
    backoffMaxSeconds: e.EXPORT_BACKOFF_MAX_SECONDS,
    maxManualRetries: e.EXPORT_MAX_MANUAL_RETRIES,
    historyRetentionDays: e.EXPORT_HISTORY_RETENTION_DAYS,
  };
}
