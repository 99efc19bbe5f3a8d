'use client';

import Link from 'next/link';
import { useExportStore } from '@/stores/exportStore';
import { isTerminalStatus } from '@/types/vocabulary';
import { failureReason, progressLine } from './status';
import { formatBytes, formatDuration } from './estimate';
import styles from './exports.module.css';

/** A watched export as it happens: progress with its stage, then cancel, retry or download. */
export function ExportJobStatus({ id, showDetailsLink = true }: { id: string; showDetailsLink?: boolean }) {
  const job = useExportStore((s) => s.jobs[id]);
  const problem = useExportStore((s) => s.problems[id]);
  const cancel = useExportStore((s) => s.cancel);
  const retry = useExportStore((s) => s.retry);
  if (!job) return problem ? <p className={styles.problem} role="alert">{problem.message}</p> : null;

  const live = !isTerminalStatus(job.status);
  const progress = job.status === 'succeeded' ? 100 : job.progress;
  return (
    <div className={styles.job} data-testid="export-job" data-status={job.status}>
      <div className={styles.progressTrack} role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress}>
        <div className={`${styles.progressFill} ${styles[job.status] ?? ''}`} style={{ width: `${Math.max(live ? 3 : 0, progress)}%` }} />
      </div>
      <p className={styles.stage} aria-live="polite" data-testid="export-stage">
        {progressLine(job)}
        {live && job.estimatedSeconds ? <span> · about {formatDuration(job.estimatedSeconds)} left</span> : null}
      </p>

      {job.status === 'failed' && <p className={styles.problem} role="alert">{failureReason(job)}</p>}
      {job.status === 'cancelled' && <p className={styles.note}>You cancelled this export. Nothing was kept.</p>}
      {job.status === 'expired' && <p className={styles.note}>This file was removed after its storage period. Export again to get a new one.</p>}
      {problem && <p className={styles.problem} role="alert">{problem.message}</p>}

      <div className={styles.actions}>
        {live && (
          <button type="button" className={styles.secondary} onClick={() => void cancel(id)} disabled={job.cancelRequested}>
            {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {job.status === 'failed' && (
          <button type="button" className={styles.primary} onClick={() => void retry(id)}>Try again</button>
        )}
        {job.status === 'succeeded' && job.result?.downloadUrl && (
          <a className={styles.primary} href={job.result.downloadUrl} download data-testid="export-download">
            Download {job.format.toUpperCase()} · {formatBytes(job.result.bytes)}
          </a>
        )}
        {showDetailsLink && !live && (
          <Link className={styles.link} href={`/exports/${id}`}>Details</Link>
        )}
      </div>
    </div>
  );
}
