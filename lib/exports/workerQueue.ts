import 'server-only';
import { exportResultSchema, type ClaimedJob, type ExportResult, type WorkerJob } from '@/types/exports';
import { InvalidRequest, queueCall } from '@/lib/exports/errors';
import { parseClaimedJob, parseWorkerJob } from '@/lib/exports/rows';
import { jsonb, serviceQuery } from '@/lib/db/serviceQuery';
import { workerQuery } from '@/lib/exports/workerConnection';

/**
 * The worker's and the cleanup cron's side of the queue: typed wrappers over
 * the SQL functions of migrations/0005, run as service_role in one round trip
 * each (see serviceQuery.ts). Every write about a running job names its lease
 * token; a stale one throws LeaseLost.
 */

/** Returns jobs whose lease ran out to the queue (with backoff) or ends them; returns the jobs it touched. */
export async function reapExpired(): Promise<WorkerJob[]> {
  return queueCall(async () => (await workerQuery`select * from public.reap_expired_export_jobs()`).map(parseWorkerJob));
}

/** Claims up to `n` due jobs for this worker, each leased for `leaseSeconds` (longer than the render may take). */
export async function claimJobs(workerId: string, n: number, leaseSeconds: number): Promise<ClaimedJob[]> {
  return queueCall(async () => (await workerQuery`select * from public.claim_export_jobs(${workerId}, ${n}, ${leaseSeconds})`).map(parseClaimedJob));
}

/** Reports progress and renews the lease; `cancelRequested` tells the worker to stop at this step. */
export async function heartbeat(id: string, leaseToken: string, progress: number, stage: string): Promise<{ cancelRequested: boolean }> {
  return queueCall(async () => {
    const [row] = await workerQuery`select public.heartbeat_export_job(${id}, ${leaseToken}, ${Math.round(progress)}, ${stage}) as cancel_requested`;
    return { cancelRequested: row.cancel_requested === true };
  });
}

/** Call before writing objects to storage: records them so cleanup can remove them whatever becomes of the job. */
export async function recordStoredFiles(id: string, leaseToken: string, paths: string[]): Promise<void> {
  await queueCall(() => workerQuery`select public.record_export_files(${id}, ${leaseToken}, ${paths})`);
}

/** Finishes the attempt with its file: succeeded (with the TTL), or cancelled if the user asked meanwhile. */
export async function completeJob(id: string, leaseToken: string, result: ExportResult): Promise<WorkerJob> {
  const parsed = exportResultSchema.safeParse(result);
  if (!parsed.success) throw new InvalidRequest(`result: ${parsed.error.issues[0].message}`);
  const r = parsed.data;
  return queueCall(async () => {
    const [row] = await workerQuery`
      select * from public.complete_export_job(${id}, ${leaseToken}, ${r.path}, ${r.bytes}, ${r.width}, ${r.height},
        ${r.contentType}, ${r.thumbnailPath}, ${r.meta ? jsonb(r.meta) : null})`;
    return parseWorkerJob(row);
  });
}

export type FinishedAttempt = { id: string; leaseToken: string; result: ExportResult };

/**
 * Finishes several attempts in one statement (a worker that claimed a batch
 * and has their results ready together). Attempts whose lease was lost change
 * nothing and are listed in `leaseLost` instead of throwing.
 */
export async function completeJobs(attempts: FinishedAttempt[]): Promise<{ completed: WorkerJob[]; leaseLost: string[] }> {
  if (attempts.length === 0) return { completed: [], leaseLost: [] };
  const results = attempts.map(({ id, leaseToken, result }) => {
    const parsed = exportResultSchema.safeParse(result);
    if (!parsed.success) throw new InvalidRequest(`result of ${id}: ${parsed.error.issues[0].message}`);
    const r = parsed.data;
    return {
      id, lease_token: leaseToken, path: r.path, bytes: r.bytes, width: r.width, height: r.height,
      content_type: r.contentType, thumbnail_path: r.thumbnailPath ?? null, meta: r.meta ?? null,
    };
  });
  return queueCall(async () => {
    const completed = (await workerQuery`select * from public.complete_export_jobs(${jsonb(results)})`).map(parseWorkerJob);
    const done = new Set(completed.map((j) => j.id));
    return { completed, leaseLost: attempts.map((a) => a.id).filter((id) => !done.has(id)) };
  });
}

/** Ends the attempt with an error: back to the queue with backoff if retryable and attempts remain, else failed. */
export async function failJob(id: string, leaseToken: string, code: string, message: string, retryable: boolean): Promise<WorkerJob> {
  return queueCall(async () => {
    const [row] = await workerQuery`select * from public.fail_export_job(${id}, ${leaseToken}, ${code}, ${message}, ${retryable})`;
    return parseWorkerJob(row);
  });
}

/** Hands a job back on shutdown: queued again at once, the attempt not counted (a cancel request still wins). */
export async function releaseJob(id: string, leaseToken: string): Promise<WorkerJob> {
  return queueCall(async () => {
    const [row] = await workerQuery`select * from public.release_export_job(${id}, ${leaseToken})`;
    return parseWorkerJob(row);
  });
}

/** Cleanup cron: which of these job ids still have a row (objects of the others are orphans). */
export async function existingJobIds(ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return queueCall(async () => (await serviceQuery`select public.existing_export_job_ids(${ids}::uuid[]) as id`).map((r) => r.id as string));
}

export type JobFiles = { jobId: string; userId: string; paths: string[] };

const toJobFiles = (r: Record<string, unknown>): JobFiles => ({ jobId: r.job_id as string, userId: r.user_id as string, paths: r.paths as string[] });

/** Expiry cron: succeeded results past their TTL, with every object to remove before `markExpired`. */
export async function listExpiredResults(limit: number): Promise<JobFiles[]> {
  return queueCall(async () => (await serviceQuery`select * from public.list_expired_export_results(${limit})`).map(toJobFiles));
}

/** Expiry cron, once the objects are removed; false if the job is no longer an expired success. */
export async function markExpired(id: string): Promise<boolean> {
  return queueCall(async () => (await serviceQuery`select public.mark_export_expired(${id}) as ok`)[0].ok === true);
}

/** Cleanup cron: objects stored by attempts of jobs that ended failed or cancelled. */
export async function listOrphanedFiles(limit: number): Promise<JobFiles[]> {
  return queueCall(async () => (await serviceQuery`select * from public.list_orphaned_export_files(${limit})`).map(toJobFiles));
}

/** Cleanup cron, once those objects are removed. */
export async function markFilesRemoved(id: string, paths: string[]): Promise<boolean> {
  return queueCall(async () => (await serviceQuery`select public.mark_export_files_removed(${id}, ${paths}) as ok`)[0].ok === true);
}

/** Deletes finished rows past the history retention that no longer own any object; returns how many. */
export async function purgeFinishedJobs(limit = 1000): Promise<number> {
  return queueCall(async () => Number((await serviceQuery`select public.purge_finished_export_jobs(${limit}) as n`)[0].n));
}
