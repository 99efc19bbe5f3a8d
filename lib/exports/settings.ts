import 'server-only';
import { settingsRow } from '@/lib/db/settingsRow';
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
