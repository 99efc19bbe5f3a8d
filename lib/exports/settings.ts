import 'server-only';
import { asService } from '@/lib/db/session';
import { queueSettingsSchema, type QueueSettings } from '@/types/exports';
import { InvalidRequest } from '@/lib/exports/errors';

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

function fromRow(row: Record<string, unknown>): QueueSettings {
  const out: Record<string, number> = {};
  for (const [key, column] of Object.entries(COLUMNS)) out[key] = Number(row[column]);
  return queueSettingsSchema.parse(out);
}

export async function getQueueSettings(): Promise<QueueSettings> {
  return asService(async (tx) => fromRow((await tx`select * from public.export_settings`)[0]));
}

/** Writes the given settings (others keep their value) and returns them all. */
export async function applyQueueSettings(partial: Partial<QueueSettings>): Promise<QueueSettings> {
  const parsed = queueSettingsSchema.partial().safeParse(partial);
  if (!parsed.success) throw new InvalidRequest(`settings: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) values[COLUMNS[key as keyof QueueSettings]] = value;
  }
  return asService(async (tx) => {
    const [row] = Object.keys(values).length
      ? await tx`
          insert into public.export_settings ${tx({ id: true, ...values })}
          on conflict (id) do update set ${tx({ ...values, updated_at: new Date() })}
          returning *`
      : await tx`select * from public.export_settings`;
    return fromRow(row);
  });
}
