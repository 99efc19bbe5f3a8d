import type { ApiExport } from '@/types/api';
import { isTerminalStatus } from '@/types/vocabulary';
import type { ExportStatus } from '@/types/exports';

/** Status names in the product's words, for badges, filters and screen readers. */
export const STATUS_LABELS: Record<ExportStatus, string> = {
  queued: 'Queued',
  running: 'Rendering',
  succeeded: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** One line on what is happening now, e.g. "Rendering tile 3/12 — 45%". */
export function progressLine(job: ApiExport): string {
  if (job.cancelRequested && !isTerminalStatus(job.status)) return 'Cancelling…';
  if (job.status === 'queued') return job.error ? `Waiting to try again (attempt ${job.attempts + 1} of ${job.maxAttempts})` : 'Waiting for a free renderer…';
  if (job.status === 'running') return `${job.stage ? job.stage[0]!.toUpperCase() + job.stage.slice(1) : 'Rendering'} — ${job.progress}%`;
  return STATUS_LABELS[job.status];
}

/** Why an export failed, in words a person can act on. */
export function failureReason(job: ApiExport): string {
  const message = job.error?.message ?? 'The renderer stopped without saying why.';
  const tries = job.attempts > 1 ? ` We tried ${job.attempts} times.` : '';
  return `${message}${/[.!?]$/.test(message) ? '' : '.'}${tries}`;
}

export function expiresIn(expiresAt: string, now = Date.now()): string {
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return 'expired';
  const hours = ms / 3_600_000;
  if (hours < 1) return `in ${Math.max(1, Math.round(ms / 60_000))} min`;
  if (hours < 48) return `in ${Math.round(hours)} h`;
  return `in ${Math.round(hours / 24)} days`;
}
