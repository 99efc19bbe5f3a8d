import 'server-only';
import { settingsRow } from '@/lib/db/settingsRow';
import { env } from '@/lib/env';
import { queueSettingsSchema, type QueueSettings } from '@/types/exports';

/**
 * The queue's limits live in the database (export_settings), where the SQL
 * functions read them; callers of those functions cannot pass their own. The
 * app writes them from env at start-up with `applyQueueSettings`.
 */

const COLUMNS: Record<keyof QueueSettings, string> = {
  maxActiveJobs: 'max_active_jobs',
  maxExportsPerDay: 'max_exports_per_day',
  maxStoredBytes: 'max_stored_bytes',
  resultTtlSeconds: 'result_ttl_seconds',
  maxAttempts: 'max_attempts',
  backoffBaseSeconds: 'backoff_base_seconds',
  backoffMaxSeconds: 'backoff_max_seconds',
  maxManualRetries: 'max_manual_retries',
  maxRequestBytes: 'max_request_bytes',
  historyRetentionDays: 'history_retention_days',
};

const row = settingsRow('export_settings', COLUMNS, queueSettingsSchema);

export const getQueueSettings: () => Promise<QueueSettings> = row.get;

/** Writes the given settings (others keep their value) and returns them all. */
export const applyQueueSettings: (partial: Partial<QueueSettings>) => Promise<QueueSettings> = row.apply;

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
