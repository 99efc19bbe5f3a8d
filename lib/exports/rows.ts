import type { JSONValue } from 'postgres';
import type { Tx } from '@/lib/db/client';
import { exportJobSchema, workerJobSchema, type ClaimedJob, type ExportJob, type WorkerJob } from '@/types/exports';

/**
 * Database rows → typed jobs, parsed with the zod schemas of types/exports.ts
 * so that a column the code does not expect fails loudly at the edge.
 */

/** The columns users may read (migrations/0002 and 0008 grant exactly these). */
export const USER_COLUMNS = [
  'id', 'user_id', 'status', 'request', 'priority', 'attempts', 'max_attempts', 'manual_retries', 'run_at',
  'lease_expires_at', 'heartbeat_at', 'cancel_requested_at', 'progress', 'stage', 'error_code', 'error_message',
  'result_path', 'result_bytes', 'result_width', 'result_height', 'result_content_type', 'thumbnail_path',
  'result_meta', 'expires_at', 'download_count', 'idempotency_key', 'created_at', 'updated_at', 'started_at', 'finished_at',
  'webhook_event_id', 'webhook_event', 'webhook_state', 'webhook_attempts', 'webhook_last_status', 'webhook_last_error',
  'webhook_last_attempt_at', 'webhook_next_at', 'webhook_delivered_at',
] as const;

function camelKeys(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

export function parseExportJob(row: Record<string, unknown>): ExportJob {
  return exportJobSchema.parse(camelKeys(row));
}

export function parseWorkerJob(row: Record<string, unknown>): WorkerJob {
  return workerJobSchema.parse(camelKeys(row));
}

export function parseClaimedJob(row: Record<string, unknown>): ClaimedJob {
  const job = parseWorkerJob(row);
  if (job.status !== 'running' || !job.leaseToken || !job.leaseExpiresAt) {
    throw new Error(`claim_export_jobs returned job ${job.id} without a lease (status ${job.status})`);
  }
  return job as ClaimedJob;
}

/** A parsed (hence JSON-safe) value as a jsonb parameter; postgres.js's JSONValue type cannot see through `unknown`. */
export function jsonParam(tx: Tx, value: unknown) {
  return tx.json(value as JSONValue);
}
