import type { ApiExport } from '@/types/api';

/**
 * What the CLI prints while it waits: on a terminal one line redrawn in
 * place (a bar, the stage, the time), elsewhere (CI logs, a pipe) one plain
 * line each time the status or stage changes, so logs stay readable.
 */

const BAR_WIDTH = 24;

export function progressBar(job: Pick<ApiExport, 'status' | 'progress' | 'stage' | 'estimatedSeconds' | 'error'>, elapsedSeconds: number, columns = 80): string {
  const filled = Math.round((job.progress / 100) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const eta = job.estimatedSeconds !== null && job.status !== 'succeeded' ? `, ~${formatSeconds(job.estimatedSeconds)} left` : '';
  const line = `${bar} ${String(job.progress).padStart(3)}%  ${describe(job)}  ${formatSeconds(elapsedSeconds)}${eta}`;
  return line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line;
}

/** A plain line for logs; the same job state gives the same line, so callers print only changes. */
export function progressLine(job: Pick<ApiExport, 'status' | 'progress' | 'stage' | 'error'>): string {
  return `${job.progress}% ${describe(job)}`;
}

function describe(job: Pick<ApiExport, 'status' | 'stage'> & { error?: ApiExport['error'] }): string {
  // A queued job with an error is waiting for its retry.
  if (job.status === 'queued') return job.error ? `retrying soon (${job.error.message})` : 'queued';
  if (job.status !== 'running') return job.status; // the last stage of an ended job is history, not news
  return job.stage ?? job.status;
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
