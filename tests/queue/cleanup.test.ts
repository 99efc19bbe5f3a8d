import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { cancelExport, requestExport, retryExport } from '@/lib/exports/queue';
import { applyQueueSettings } from '@/lib/exports/settings';
import {
  claimJobs,
  completeJob,
  failJob,
  listExpiredResults,
  listOrphanedFiles,
  markExpired,
  markFilesRemoved,
  purgeFinishedJobs,
  reapExpired,
  recordStoredFiles,
} from '@/lib/exports/workerQueue';
import { createUser, posterRequest } from './helpers';

afterAll(closeSql);
beforeAll(async () => {
  await applyQueueSettings({ maxActiveJobs: 100, maxAttempts: 1, resultTtlSeconds: 3600, historyRetentionDays: 30 });
});

async function runningJob() {
  const user = await createUser();
  const { job } = await requestExport(user, posterRequest());
  const [claimed] = await claimJobs('cleanup-test', 1, 60);
  expect(claimed.id).toBe(job.id);
  return { user, claimed, paths: { result: `${user.sub}/${job.id}.png`, thumbnail: `${user.sub}/${job.id}.thumb.webp` } };
}

const age = (id: string, column: 'expires_at' | 'finished_at', interval: string) =>
  column === 'expires_at'
    ? sql()`update public.export_jobs set expires_at = now() - ${interval}::text::interval where id = ${id}`
    : sql()`update public.export_jobs set finished_at = now() - ${interval}::text::interval where id = ${id}`;

describe('the expiry cron', () => {
  it('lists a result once its TTL has passed, with its file and thumbnail, and marks it expired', async () => {
    const { claimed, paths } = await runningJob();
    await recordStoredFiles(claimed.id, claimed.leaseToken, [paths.result, paths.thumbnail]);
    const done = await completeJob(claimed.id, claimed.leaseToken, {
      path: paths.result, thumbnailPath: paths.thumbnail, bytes: 10, width: 1, height: 1, contentType: 'image/png', meta: { missingTiles: 0 },
    });
    const ttl = (done.expiresAt!.getTime() - done.finishedAt!.getTime()) / 1000;
    expect(ttl).toBe(3600);
    expect((await listExpiredResults(100)).map((r) => r.jobId)).not.toContain(claimed.id);

    await age(claimed.id, 'expires_at', '1 second');
    const due = (await listExpiredResults(100)).find((r) => r.jobId === claimed.id);
    expect(due?.paths.sort()).toEqual([paths.result, paths.thumbnail].sort());
    expect(await markExpired(claimed.id)).toBe(true);
    expect(await markExpired(claimed.id)).toBe(false);
    expect((await listExpiredResults(100)).map((r) => r.jobId)).not.toContain(claimed.id);
    const [row] = await sql()`select status, stored_paths from public.export_jobs where id = ${claimed.id}`;
    expect(row).toEqual({ status: 'expired', stored_paths: [] });
  });
});

describe('files of jobs that end without a result', () => {
  it('are listed for removal when a worker stored its file and then lost its lease', async () => {
    const { claimed, paths } = await runningJob();
    await recordStoredFiles(claimed.id, claimed.leaseToken, [paths.result]);
    await sql()`update public.export_jobs set lease_expires_at = now() - interval '1 second' where id = ${claimed.id}`;
    const [reaped] = (await reapExpired()).filter((j) => j.id === claimed.id);
    expect(reaped.status).toBe('failed'); // one attempt allowed
    const orphan = (await listOrphanedFiles(100)).find((r) => r.jobId === claimed.id);
    expect(orphan?.paths).toEqual([paths.result]);
    expect(await markFilesRemoved(claimed.id, orphan!.paths)).toBe(true);
    expect((await listOrphanedFiles(100)).map((r) => r.jobId)).not.toContain(claimed.id);
  });

  it('are listed when the export failed after storing, and kept (not forgotten) if the user retried meanwhile', async () => {
    const { user, claimed, paths } = await runningJob();
    await recordStoredFiles(claimed.id, claimed.leaseToken, [paths.result]);
    await failJob(claimed.id, claimed.leaseToken, 'encode_failed', 'sharp ran out of memory', false);
    expect((await listOrphanedFiles(100)).map((r) => r.jobId)).toContain(claimed.id);
    await retryExport(user, claimed.id);
    expect((await listOrphanedFiles(100)).map((r) => r.jobId)).not.toContain(claimed.id);
    expect(await markFilesRemoved(claimed.id, [paths.result])).toBe(false);
    await cancelExport(user, claimed.id); // out of the way of the next test's claim
  });

  it('are listed when the user cancelled a running export that had stored its file', async () => {
    const { user, claimed, paths } = await runningJob();
    await recordStoredFiles(claimed.id, claimed.leaseToken, [paths.result]);
    await cancelExport(user, claimed.id);
    await failJob(claimed.id, claimed.leaseToken, 'cancelled', 'stopped on request', false);
    expect((await listOrphanedFiles(100)).find((r) => r.jobId === claimed.id)?.paths).toEqual([paths.result]);
  });
});

describe('the purge of old history', () => {
  it('deletes finished rows past the retention period, never one that still owns a file', async () => {
    const expired = await runningJob();
    await completeJob(expired.claimed.id, expired.claimed.leaseToken, { path: expired.paths.result, bytes: 1, width: 1, height: 1, contentType: 'image/png' });
    await age(expired.claimed.id, 'expires_at', '1 second');
    await markExpired(expired.claimed.id);

    const withFile = await runningJob();
    await recordStoredFiles(withFile.claimed.id, withFile.claimed.leaseToken, [withFile.paths.result]);
    await failJob(withFile.claimed.id, withFile.claimed.leaseToken, 'x', 'y', false);

    const recent = await runningJob();
    await failJob(recent.claimed.id, recent.claimed.leaseToken, 'x', 'y', false);

    for (const id of [expired.claimed.id, withFile.claimed.id]) await age(id, 'finished_at', '31 days');
    expect(await purgeFinishedJobs()).toBe(1);
    const db = sql();
    const left = await db`select id from public.export_jobs where id in ${db([expired.claimed.id, withFile.claimed.id, recent.claimed.id])}`;
    expect(left.map((r) => r.id).sort()).toEqual([withFile.claimed.id, recent.claimed.id].sort());
  });
});
