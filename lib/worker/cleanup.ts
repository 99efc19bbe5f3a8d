import 'server-only';
import {
  existingJobIds,
  listExpiredResults,
  listOrphanedFiles,
  markExpired,
  markFilesRemoved,
  purgeFinishedJobs,
  type JobFiles,
} from '@/lib/exports/workerQueue';
import { log } from '@/lib/log';
import { getStorage } from '@/lib/storage';

/**
 * The cleanup cron: no object may outlive its job's row or its TTL. Each step
 * removes the objects first and only then updates the row, so a storage error
 * leaves the row for the next run; two runs at once only repeat idempotent
 * removals, and the row update lets one of them win.
 */

export type CleanupReport = { expired: number; failedJobFiles: number; strayObjects: number; purgedRows: number; errors: string[] };

const BATCH = 100;

export async function cleanupExports({ budgetMs }: { budgetMs: number }): Promise<CleanupReport> {
  const started = Date.now();
  const deadline = started + budgetMs;
  const report: CleanupReport = { expired: 0, failedJobFiles: 0, strayObjects: 0, purgedRows: 0, errors: [] };
  const storage = getStorage();

  const drain = async (list: (n: number) => Promise<JobFiles[]>, mark: (j: JobFiles) => Promise<boolean>, count: 'expired' | 'failedJobFiles') => {
    const failed = new Set<string>();
    while (Date.now() < deadline) {
      const batch = (await list(BATCH + failed.size)).filter((j) => !failed.has(j.jobId));
      if (!batch.length) return;
      for (const job of batch) {
        try {
          await storage.remove(job.paths);
          if (await mark(job)) report[count]++;
        } catch (e) {
          failed.add(job.jobId); // left for the next run
          report.errors.push(`${job.jobId}: ${(e as Error).message}`);
        }
      }
    }
  };
  await drain(listExpiredResults, (j) => markExpired(j.jobId), 'expired');
  await drain(listOrphanedFiles, (j) => markFilesRemoved(j.jobId, j.paths), 'failedJobFiles');
  if (Date.now() < deadline) report.strayObjects = await removeStrayObjects(report.errors);
  if (Date.now() < deadline) report.purgedRows = await purgeFinishedJobs(1000);
  log()[report.errors.length ? 'warn' : 'info']({ event: 'cleanup', ...report, ms: Date.now() - started }, 'cleanup run done');
  return report;
}

const JOB_FILE = /^([0-9a-f-]{36})\/([0-9a-f-]{36})\.[a-z.]+$/;

/** Objects whose job row is gone (purged, or the user deleted): a job row always exists before its objects are written. */
async function removeStrayObjects(errors: string[]): Promise<number> {
  const storage = getStorage();
  const objects = await storage.list();
  const byJob = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const o of objects) {
    const m = JOB_FILE.exec(o.path);
    if (!m) unknown.push(o.path);
    else byJob.set(m[2], [...(byJob.get(m[2]) ?? []), o.path]);
  }
  if (unknown.length) errors.push(`left alone ${unknown.length} object(s) that are not export files, e.g. ${unknown[0]}`);
  if (!byJob.size) return 0;
  const live = new Set(await existingJobIds([...byJob.keys()]));
  const stray = [...byJob.entries()].filter(([id]) => !live.has(id)).flatMap(([, paths]) => paths);
  if (stray.length) await storage.remove(stray);
  return stray.length;
}
